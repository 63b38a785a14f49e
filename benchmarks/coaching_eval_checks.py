"""What the coaching evaluation checks in each `crmcoach ask --json` reply: an item of the labelled set,
the reply, and one check per line of the report (benchmarks/coaching_eval.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NO_GOAL_KINDS = frozenset({"controls", "off_topic", "gibberish", "hostile"})
LESSON_KINDS = frozenset({"coaching", "reflection"})
TOP_K = 3
# the metric families questions ask about -> metrics.py names (without own_; "scope" says own/team)
FAMILY_METRICS = {
    "stale": ("stale_deals", "stale_share"),
    "no_next_step": ("deals_without_next_step", "no_next_step_share"),
    "overdue": ("overdue_close_dates", "overdue_share"),
    "activities": ("activities_7d_manager", "activities_7d_team"),
    "open_deals": ("open_deals",),
    "open_value": ("open_value",),
    "won_lost": ("won_90d", "lost_90d"),
}
FAMILIES = {metric: name for name, metrics in FAMILY_METRICS.items() for metric in metrics}


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    split: str
    text: str
    language: str
    profile: str
    kind: str
    topic: str | None
    lessons: tuple[str, ...]
    metric: str | None
    scope: str | None
    after_lesson: str | None


@dataclass(frozen=True, slots=True)
class Reply:
    """What the CLI printed; `data` is empty when it failed (then `error` says why)."""

    data: dict[str, Any]
    error: str | None = None

    def lessons(self) -> list[dict[str, Any]]:
        value = self.data.get("lessons")
        return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []

    def first_number(self) -> dict[str, Any] | None:
        value = self.data.get("numbers")
        return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else None

    def goal(self) -> dict[str, Any] | None:
        value = self.data.get("goal")
        return value if isinstance(value, dict) else None


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    applies: Callable[[Item, Reply], bool]
    passes: Callable[[Item, Reply], bool]
    shows: Callable[[Item, Reply], str]  # what the coach gave, for --show-misses


def family(metric: object) -> str | None:
    if not isinstance(metric, str):
        return None
    return FAMILIES.get(metric.removeprefix("own_"))


def _topics(reply: Reply) -> list[str]:
    return [str(lesson.get("topic")) for lesson in reply.lessons()]


def _lesson_ids(reply: Reply) -> list[str]:
    return [str(lesson.get("id")) for lesson in reply.lessons()]


def _describe_metric(entry: dict[str, Any] | None) -> str:
    return "none" if entry is None else f"{entry.get('metric')} ({entry.get('scope')})"


CHECKS = (
    Check(
        "kind",
        lambda item, reply: True,
        lambda item, reply: reply.data.get("kind") == item.kind,
        lambda item, reply: f"want {item.kind}, got {reply.data.get('kind')}",
    ),
    Check(
        "answer language",
        lambda item, reply: True,
        lambda item, reply: reply.data.get("language") == item.language,
        lambda item, reply: f"want {item.language}, got {reply.data.get('language')}",
    ),
    Check(
        "topic top-1",
        lambda item, reply: item.kind == "coaching",
        lambda item, reply: _topics(reply)[:1] == [item.topic],
        lambda item, reply: f"want {item.topic}, got {_topics(reply)[:TOP_K]}",
    ),
    Check(
        f"topic top-{TOP_K}",
        lambda item, reply: item.kind == "coaching",
        lambda item, reply: item.topic in _topics(reply)[:TOP_K],
        lambda item, reply: f"want {item.topic}, got {_topics(reply)[:TOP_K]}",
    ),
    Check(
        "lesson top-1 acceptable",
        lambda item, reply: item.kind in LESSON_KINDS and bool(item.lessons),
        lambda item, reply: _lesson_ids(reply)[:1] != [] and _lesson_ids(reply)[0] in item.lessons,
        lambda item, reply: f"want one of {list(item.lessons)}, got {_lesson_ids(reply)[:1]}",
    ),
    Check(
        "numbers on asked metric",
        lambda item, reply: item.metric is not None,
        lambda item, reply: family((reply.first_number() or {}).get("metric")) == item.metric,
        lambda item, reply: (
            f"want {item.metric} ({item.scope}), got {_describe_metric(reply.first_number())}"
        ),
    ),
    Check(
        "goal on asked metric",
        lambda item, reply: item.kind == "coaching" and item.metric is not None and reply.goal() is not None,
        lambda item, reply: family((reply.goal() or {}).get("metric")) == item.metric,
        lambda item, reply: f"want {item.metric} ({item.scope}), got {_describe_metric(reply.goal())}",
    ),
    Check(
        "no goal for control/off-topic",
        lambda item, reply: item.kind in NO_GOAL_KINDS,
        lambda item, reply: reply.goal() is None,
        lambda item, reply: f"got a goal: {_describe_metric(reply.goal())}",
    ),
    Check(
        "de text, en profile -> de",
        lambda item, reply: item.language == "de" and item.profile == "en",
        lambda item, reply: reply.data.get("language") == "de",
        lambda item, reply: f"got {reply.data.get('language')}",
    ),
    Check(
        "CLI answered (JSON)",
        lambda item, reply: True,
        lambda item, reply: reply.error is None,
        lambda item, reply: str(reply.error),
    ),
)
