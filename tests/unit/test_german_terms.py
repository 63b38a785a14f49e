"""German that reads as written in German: one term for stale deals and for the people on a team, and
counted phrases right for 0, 1 and many in both languages."""

from __future__ import annotations

import pytest

from bot.coaching.lessons import LESSONS_DIR
from bot.i18n import tn
from bot.paths import PROMPTS_DIR

GERMAN_TEXTS = [PROMPTS_DIR / "messages" / "de.toml", *sorted((LESSONS_DIR / "de").glob("*.md"))]


@pytest.mark.parametrize(
    "word",
    [
        "eingeschlafene Deals",
        "eingeschlafenen Deals",
        "direkte Mitarbeitende",
        "direkten Mitarbeitenden",
        "Vertriebsmitarbeiter",
    ],
)
def test_one_term_for_stale_deals_and_team_members(word: str) -> None:
    found = [path.name for path in GERMAN_TEXTS if word in path.read_text(encoding="utf-8")]
    assert found == []


@pytest.mark.parametrize(
    ("language", "key", "count", "expected"),
    [
        ("de", "stats.scope_team", 1, "Du und dein 1 Teammitglied"),
        ("de", "stats.scope_team", 4, "Du und deine 4 Teammitglieder"),
        ("en", "stats.scope_team", 1, "You and your 1 direct report"),
        ("en", "stats.scope_team", 4, "You and your 4 direct reports"),
        ("de", "nudge.finish_first", 1, "offene Übung ab"),
        ("de", "nudge.finish_first", 2, "2 offenen Übungen ab"),
        ("en", "nudge.finish_first", 1, "open practice task first"),
        ("en", "nudge.finish_first", 2, "2 open practice tasks first"),
    ],
)
def test_counted_phrases(language: str, key: str, count: int, expected: str) -> None:
    assert expected in tn(language, key, count, team_size=count)  # type: ignore[arg-type]


@pytest.mark.parametrize(("count", "verb"), [(0, "sind"), (1, "ist"), (3, "sind")])
def test_stale_deals_sentence_agrees_with_its_count(count: int, verb: str) -> None:
    values = {"stale": str(count), "open": "10", "days": "14", "stale_pct": f"{count * 10} %"}
    sentence = tn("de", "metric_sentences.stale_deals", count, **values)
    assert sentence.startswith(f"{count} deiner 10 offenen Deals {verb} liegengeblieben")
