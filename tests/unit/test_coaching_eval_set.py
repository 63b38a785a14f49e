"""The labelled coaching evaluation set (benchmarks/coaching_eval/questions.yaml) is well-formed.

Only the labels are checked here; the coach is never run (benchmarks/coaching_eval.py does that).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coaching.lessons import SAFE_LOADER
from bot.paths import PROMPTS_DIR

QUESTIONS = Path(__file__).resolve().parents[2] / "benchmarks" / "coaching_eval" / "questions.yaml"
TOPICS = {
    "activity-logging",
    "adoption",
    "dashboards",
    "data-quality",
    "forecasting",
    "getting-started",
    "next-steps",
    "one-on-one",
    "personal-crm",
    "pipeline-review",
    "relationship-management",
    "role-model",
}
KINDS = {"coaching", "numbers", "controls", "tool_howto", "reflection", "off_topic", "gibberish", "hostile"}
TOPICLESS_KINDS = {"numbers", "controls", "off_topic", "gibberish", "hostile"}
METRICS = {"overdue", "stale", "no_next_step", "activities", "open_deals", "open_value", "won_lost"}
LANGUAGES = {"en", "de"}
FIELDS = {
    "id",
    "split",
    "text",
    "language",
    "profile",
    "kind",
    "topic",
    "lessons",
    "metric",
    "scope",
    "after_lesson",
}
MIN_ITEMS = 200
MIN_SPLIT_SHARE = 0.45
MIN_PER_TOPIC = 8
MAX_LESSONS = 3


@cache
def items() -> list[dict[str, Any]]:
    loaded = yaml.load(QUESTIONS.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    assert isinstance(loaded, list), "questions.yaml must be one YAML list"
    return loaded


@cache
def lesson_topics(language: str) -> dict[str, str]:
    """Lesson id -> topic, read from the front matter of prompts/lessons/<language>/*.md."""
    topics = {}
    for path in sorted((PROMPTS_DIR / "lessons" / language).glob("*.md")):
        front = yaml.load(path.read_text(encoding="utf-8").split("---")[1], Loader=SAFE_LOADER)
        topics[front["id"]] = front["topic"]
    return topics


def schema_problems(item: dict[str, Any]) -> list[str]:
    problems = []
    if set(item) != FIELDS:
        problems.append(f"fields {sorted(set(item) ^ FIELDS)} missing or unknown")
        return problems
    if not re.fullmatch(r"(en|de)-(\d{3}|[5-9]\d{3}|1[0-9]\d{3}|20\d{3})", str(item["id"])):
        problems.append(
            "id must look like en-017 (first set), en-5017 (second set), en-6017 … en-20017 (batches 6–20)"
        )
    if item["split"] not in {"dev", "test"}:
        problems.append("split must be dev or test")
    if not isinstance(item["text"], str) or not item["text"].strip():
        problems.append("text must be a non-empty string")
    if item["language"] not in LANGUAGES or item["profile"] not in LANGUAGES:
        problems.append("language and profile must be en or de")
    if item["kind"] not in KINDS:
        problems.append(f"kind {item['kind']!r} is not one of {sorted(KINDS)}")
    lessons = item["lessons"]
    if not isinstance(lessons, list) or len(lessons) > MAX_LESSONS:
        problems.append(f"lessons must be a list of at most {MAX_LESSONS} ids")
    elif item["kind"] in TOPICLESS_KINDS and (lessons or item["topic"] is not None):
        problems.append(f"a {item['kind']} item has no topic and no lessons")
    elif item["kind"] in {"coaching", "reflection"} and not (lessons and item["topic"]):
        problems.append(f"a {item['kind']} item needs a topic and 1-{MAX_LESSONS} lessons")
    elif bool(lessons) != (item["topic"] is not None):
        problems.append("topic and lessons go together")
    if item["topic"] is not None and item["topic"] not in TOPICS:
        problems.append(f"topic {item['topic']!r} is not one of the 12 topics")
    if item["metric"] is not None and item["metric"] not in METRICS:
        problems.append(f"metric {item['metric']!r} is not one of {sorted(METRICS)}")
    if (item["metric"] is None) != (item["scope"] is None) or item["scope"] not in {"own", "team", None}:
        problems.append("scope is own or team when a metric is named, else null")
    if (item["kind"] == "reflection") != (item["after_lesson"] is not None):
        problems.append("after_lesson is set for reflection items, and only for them")
    elif item["after_lesson"] is not None and item["after_lesson"] not in lessons:
        problems.append("a reflection reply lists the lesson it answers as acceptable")
    return problems


def test_the_set_is_big_enough_and_covers_both_languages() -> None:
    languages = Counter(item.get("language") for item in items())
    assert len(items()) >= MIN_ITEMS
    assert languages["en"] >= MIN_ITEMS // 3 and languages["de"] >= MIN_ITEMS // 3, languages


def test_every_item_follows_the_schema() -> None:
    problems = {item.get("id"): schema_problems(item) for item in items()}
    assert {key: found for key, found in problems.items() if found} == {}


def test_ids_are_unique() -> None:
    counts = Counter(item["id"] for item in items())
    assert [key for key, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_listed_lessons_exist_in_both_languages(language: str) -> None:
    known = lesson_topics(language)
    listed = {lesson for item in items() for lesson in item["lessons"]}
    listed |= {item["after_lesson"] for item in items() if item["after_lesson"]}
    assert known, f"no lessons found in prompts/lessons/{language}"
    assert sorted(listed - set(known)) == []


def test_topic_is_the_topic_of_a_listed_lesson() -> None:
    topics = lesson_topics("en")
    wrong = {
        item["id"]: (item["topic"], [topics.get(lesson) for lesson in item["lessons"]])
        for item in items()
        if item["topic"] is not None
        and item["topic"] not in {topics.get(lesson) for lesson in item["lessons"]}
    }
    assert wrong == {}


def test_each_split_holds_its_share_of_every_language_and_kind() -> None:
    strata = Counter((item["language"], item["kind"]) for item in items())
    per_split = Counter((item["language"], item["kind"], item["split"]) for item in items())
    short = {
        (language, kind, split): f"{per_split[language, kind, split]}/{total}"
        for (language, kind), total in strata.items()
        for split in ("dev", "test")
        if per_split[language, kind, split] < MIN_SPLIT_SHARE * total
    }
    assert short == {}


def test_every_topic_has_enough_coaching_questions_per_language() -> None:
    counts = Counter((item["language"], item["topic"]) for item in items() if item["kind"] == "coaching")
    thin = {
        (language, topic): counts[language, topic]
        for language in LANGUAGES
        for topic in TOPICS
        if counts[language, topic] < MIN_PER_TOPIC
    }
    assert thin == {}


def test_both_splits_ask_in_german_from_an_english_profile() -> None:
    crossed = Counter(
        item["split"] for item in items() if item["language"] == "de" and item["profile"] == "en"
    )
    assert crossed["dev"] > 0 and crossed["test"] > 0, crossed
