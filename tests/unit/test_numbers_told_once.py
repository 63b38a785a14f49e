"""An answer never repeats a sentence: whatever metrics are asked (team or own) and in either language,
each sentence of a numbers answer, of a coaching answer's "Your numbers" line and of the LLM's facts
appears once, states something the others do not, and every asked metric's figure is stated."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.coaching.coach import offline_answer
from bot.coaching.kind_answers import numbers_answer
from bot.coaching.lessons import Lesson
from bot.coaching.metrics import METRICS, metric_value
from bot.coaching.numbers import fact_sentences, ground, metric_sentence, number_sentences
from bot.coaching.retrieval import Hit
from bot.crm.base import ManagerStats, Owner
from bot.formatting import format_int, format_money
from bot.i18n import LANGUAGES, Language

ANNA = "anna.berger@example.com"  # the first demo manager
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)
VALUES = {"open_value": "open_value", "own_open_value": "own_open_value"}
SHARES = {  # share -> (part, whole)
    "stale_share": ("stale_deals", "open_deals"),
    "no_next_step_share": ("deals_without_next_step", "open_deals"),
    "overdue_share": ("overdue_close_dates", "open_deals"),
}
COUNTS = (
    "team_size",
    "stale_deals",
    "deals_without_next_step",
    "overdue_close_dates",
    "activities_7d_manager",
    "activities_7d_team",
    "won_90d",
    "lost_90d",
    "own_open_deals",
    "own_stale_deals",
    "own_deals_without_next_step",
    "own_overdue_close_dates",
    "own_won_90d",
    "own_lost_90d",
)
# A number in a sentence: a count, a percentage, an amount ("€1,250,000", "1.250.000 €").
NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:\s?%)?")


def pipeline(counts: list[int], *, open_deals: int, values: list[int], stale_days: int) -> ManagerStats:
    return ManagerStats(
        owner=Owner("o-anna", ANNA, "Anna Berger"),
        open_deals=open_deals,
        open_value=Decimal(values[0]),
        own_open_value=Decimal(values[1]),
        currency="EUR",
        stale_days=stale_days,
        fetched_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        source="Demo CRM",
        **dict(zip(COUNTS, counts, strict=True)),
    )


@st.composite
def pipelines(draw: st.DrawFn) -> ManagerStats:
    """Numbers in which every figure reads differently: three-digit counts, two-digit shares of the
    open deals, seven-digit amounts, a one-digit stale period; so a figure found in the text is that
    figure."""
    counts = draw(st.lists(st.integers(100, 499), min_size=len(COUNTS), max_size=len(COUNTS), unique=True))
    values = draw(st.lists(st.integers(1_000_000, 9_999_999), min_size=2, max_size=2, unique=True))
    return pipeline(
        counts, open_deals=draw(st.integers(500, 999)), values=values, stale_days=draw(st.integers(2, 9))
    )


def _has_sentence(metric: str) -> bool:
    stats = pipeline(list(range(100, 100 + len(COUNTS))), open_deals=500, values=[1, 2], stale_days=2)
    try:
        metric_sentence(metric, stats, "en")
    except KeyError:
        return False
    return True


# Every metric an answer can state (the own shares have no sentence of their own).
SENTENCE_METRICS = sorted(metric for metric in METRICS if _has_sentence(metric))
asked_lists = st.lists(st.sampled_from(SENTENCE_METRICS), min_size=1, max_size=len(SENTENCE_METRICS))
languages = st.sampled_from(LANGUAGES)


def figure(metric: str, stats: ManagerStats, language: Language) -> re.Pattern[str]:
    """How the metric's own figure reads in a sentence."""
    if metric in VALUES:
        text = re.escape(format_money(getattr(stats, VALUES[metric]), stats.currency, language))
    elif metric in SHARES:
        part, whole = (int(metric_value(stats, name)) for name in SHARES[metric])
        text = re.escape(format_int(Decimal(100 * part) / whole, language)) + r"\s?%"
    else:
        text = re.escape(format_int(int(metric_value(stats, metric)), language)) + r"(?!\s?%)"
    return re.compile(rf"(?<![\d.,]){text}(?![.,]?\d)")


def sentences_in(text: str, stats: ManagerStats, language: Language) -> list[str]:
    """The metric sentences the text states, each as often as it occurs."""
    known = {metric_sentence(metric, stats, language) for metric in SENTENCE_METRICS}
    return [sentence for sentence in known for _ in range(text.count(sentence))]


def assert_told_once(text: str, asked: list[str], stats: ManagerStats, language: Language) -> None:
    stated = sentences_in(text, stats, language)
    assert len(stated) == len(set(stated)), f"a sentence is repeated:\n{text}"
    # every sentence states a figure that no other sentence states
    for sentence in stated:
        others = {number for other in stated if other != sentence for number in NUMBER.findall(other)}
        assert set(NUMBER.findall(sentence)) - others, f"{sentence!r} states nothing new:\n{text}"
    for metric in asked:
        assert figure(metric, stats, language).search(text), f"{metric} not stated:\n{text}"


def distinct_figures(stats: ManagerStats, language: Language) -> bool:
    """No two figures read alike (two shares can round to the same percentage)."""
    texts = [figure(metric, stats, language).pattern for metric in SENTENCE_METRICS]
    return len(set(texts)) == len(texts)


def bullets(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.startswith("• "))


@PROPERTY
@given(stats=pipelines(), asked=asked_lists, language=languages)
def test_a_numbers_answer_states_each_asked_figure_in_sentences_it_never_repeats(
    stats: ManagerStats, asked: list[str], language: Language
) -> None:
    assume(distinct_figures(stats, language))
    named = numbers_answer(stats=stats, language=language, asked=asked, named=asked)
    overview = numbers_answer(stats=stats, language=language, asked=asked, named=())

    assert_told_once(bullets(named.text), asked, stats, language)
    assert_told_once(bullets(overview.text), asked, stats, language)
    # the JSON lists the numbers the text states, once each
    for answer in (named, overview):
        assert [metric_sentence(f.metric, stats, language) for f in answer.numbers] == [
            line.removeprefix("• ") for line in bullets(answer.text).splitlines()
        ]


@PROPERTY
@given(
    stats=pipelines(),
    asked=st.none() | st.sampled_from(SENTENCE_METRICS),
    lesson_metric=st.sampled_from(SENTENCE_METRICS),
    language=languages,
)
def test_the_your_numbers_line_and_the_llms_facts_state_the_asked_and_the_lessons_figure_once(
    stats: ManagerStats, asked: str | None, lesson_metric: str, language: Language
) -> None:
    assume(distinct_figures(stats, language))
    lesson = _lesson(lesson_metric, language)
    grounding = ground(lesson, stats, asked=asked)
    answer = offline_answer(
        language=language, stats=stats, hits=[Hit(lesson, 1.0, False)], grounding=grounding
    )
    facts = fact_sentences(grounding.numbers, stats, language)  # what the LLM is given

    line = " ".join(facts)
    assert line in answer.text
    assert_told_once(line, [m for m in (asked, lesson_metric) if m], stats, language)
    assert sorted(sentences_in(answer.text, stats, language)) == sorted(sentences_in(line, stats, language))
    assert grounding.numbers[0].metric == (asked or lesson_metric)  # the asked number leads
    assert number_sentences(lesson, stats, language, asked=asked) == facts  # scheduled messages


def _lesson(metric: str, language: Language) -> Lesson:
    return Lesson(
        id="numbers-once",
        language=language,
        topic="role-model",
        level=1,
        title="Numbers once",
        minutes=5,
        practice="Look at your numbers.",
        reflection="What did you see?",
        body="Body without figures.",
        metric=metric,
        goal=None,
        triggers=(),
        path=Path(f"{language}/numbers-once.md"),
    )


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("what is the value of my own deals?", "en"),
        ("Wie viel sind meine eigenen Deals wert?", "de"),
        ("how do I grow the value of my own deals?", "en"),  # coaching: the "Your numbers" line
        ("Wie kann ich den Wert meiner eigenen Deals steigern?", "de"),
    ],
)
def test_crmcoach_ask_states_the_own_deals_and_their_value_once(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], *, question: str, locale: Language
) -> None:
    assert main(["ask", question, "--offline", "--user", ANNA, "--locale", locale]) == 0
    printed = capsys.readouterr().out

    own = metric_sentence("own_open_deals", anna_today, locale)
    assert printed.count(own) == 1, printed
    assert format_money(anna_today.own_open_value, anna_today.currency, locale) in own
    assert format_int(anna_today.own_open_deals, locale) in own


@pytest.mark.parametrize("question", ["what are my own deals worth?", "how much are my deals worth?"])
def test_the_worth_of_my_own_deals_is_the_own_value_not_the_teams(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    assert main(["ask", question, "--offline", "--user", ANNA, "--locale", "en"]) == 0
    printed = capsys.readouterr().out

    assert metric_sentence("own_open_deals", anna_today, "en") in printed, printed
    assert format_money(anna_today.open_value, anna_today.currency, "en") not in printed, printed


@pytest.mark.parametrize(
    ("question", "locale", "metric"),
    [
        ("won and lost last 90 days", "en", "won_90d"),
        ("lost and won last 90 days", "en", "lost_90d"),
        ("gewonnene und verlorene Deals der letzten 90 Tage", "de", "won_90d"),
    ],
)
def test_won_and_lost_are_told_in_the_order_asked(
    anna_today: ManagerStats,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    locale: Language,
    metric: str,
) -> None:
    assert main(["ask", question, "--offline", "--user", ANNA, "--locale", locale]) == 0

    assert metric_sentence(metric, anna_today, locale) in capsys.readouterr().out
