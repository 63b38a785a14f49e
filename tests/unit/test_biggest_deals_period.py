"""A ranking of the biggest deals asked for a period is not filtered by close date and says so in one
line, for every period the other readers know: the kind rule's [numbers] periods (prompts/kinds/*.toml)
and the time spans of the stage matcher's [period] (prompts/coach/stage_cues.toml: "qtd", „KW48“), so
that the three lists cannot part; English and German, and through `crmcoach ask --json`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.coaching.asked_biggest import read_biggest
from bot.crm.base import ManagerStats
from bot.i18n import Language
from tests.helpers import ask_json

PROMPTS = Path(__file__).parents[2] / "prompts"
ANNA = "anna.berger@example.com"
ASKED = {"en": "show me my 3 biggest deals {period}", "de": "zeig mir meine 3 größten Deals {period}"}
NOTE = {"en": "Not filtered by close date:", "de": "Nicht nach Abschlussdatum gefiltert:"}
# the stage matcher's periods that name a time span, one word each written out ("fy\\d*" → "fy25")
STAGE_CUE_SPANS = {
    "en": ["q4", "h1", "fy25", "qtd", "ytd", "mtd", "wtd", "eom", "eoq", "eoy"],
    "de": ["KW48", "kw 48"],
}


def _kind_periods(language: Language) -> list[str]:
    terms = tomllib.loads((PROMPTS / "kinds" / f"{language}.toml").read_text(encoding="utf-8"))
    periods: list[str] = terms["numbers"]["periods"]
    # a written-out example of each pattern: "last ~ months" → "last 3 months", "letzte*" → "letzten"
    return [period.replace(" ~ ", " 3 ").replace("*", "n") for period in periods]


def test_the_stage_matchers_spans_are_the_written_out_patterns() -> None:
    cues = tomllib.loads((PROMPTS / "coach" / "stage_cues.toml").read_text(encoding="utf-8"))["period"]
    for language, words in STAGE_CUE_SPANS.items():
        for word in words:
            plain = word.lower().replace(" ", "")
            assert any(re.fullmatch(cue, plain) for cue in cues[language]), word


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_period_the_other_readers_know_gets_the_close_date_line(language: Language) -> None:
    for period in [*_kind_periods(language), *STAGE_CUE_SPANS[language]]:
        question = ASKED[language].format(period=period)
        reading = read_biggest(question, language)
        assert reading is not None, question
        assert reading.unfiltered == "period", question


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("show me my 3 biggest deals last quarter", "en"),
        ("zeig mir meine 3 größten Deals seit Jahresbeginn", "de"),
    ],
)
def test_the_line_is_in_the_json_answer(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], question: str, language: Language
) -> None:
    answer = ask_json(question, capsys, "--user", ANNA, "--locale", language)["answer"]

    assert answer.count(NOTE[language]) == 1


@pytest.mark.parametrize(
    ("question", "language"),
    [("show me my 3 biggest deals", "en"), ("zeig mir meine 3 größten Deals im Team", "de")],
)
def test_a_ranking_without_a_period_has_no_close_date_line(question: str, language: Language) -> None:
    reading = read_biggest(question, language)

    assert reading is not None
    assert reading.unfiltered is None
