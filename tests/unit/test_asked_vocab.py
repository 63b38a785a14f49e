"""The asked metric beyond the exact term lists, through `crmcoach ask --json`: inflections, compounds and
Denglisch spellings („veraltete Deals“, „Closedate“, "nextstep"), a typo in a long metric word
(„überfälige“, "overdeu"), and tool how-tos that quote a number only when the metric is what they ask
for (a report or filter of those deals), not when a metric word names a field or an action."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric
from bot.coaching.metrics import metric_value
from bot.crm.base import ManagerStats
from tests.helpers import ask_anna as ask


@pytest.mark.parametrize(
    ("question", "locale", "metric"),
    [
        ("wie viele Deals vom Team sind gerade veraltet?", "de", "stale_deals"),
        ("veraltete deals im team?", "de", "stale_deals"),
        ("wie viele Deals haben ein Closedate in der Vergangenheit?", "de", "overdue_close_dates"),
        ("wie viele meiner Deals sind überfälig?", "de", "own_overdue_close_dates"),  # typo
        ("wie viele Deals im Team ohne Nextstep?", "de", "deals_without_next_step"),
        ("deals ohne next step - meine", "de", "own_deals_without_next_step"),
        ("how many of the team's deals have an overdue closedate?", "en", "overdue_close_dates"),
        ("how many opportunities are overdeu?", "en", "overdue_close_dates"),  # typo
        ("how many deals have no nextstep?", "en", "deals_without_next_step"),
    ],
)
def test_a_numbers_question_gets_the_number_of_the_metric_it_names(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], question: str, locale: str, metric: str
) -> None:
    result = ask(question, capsys, locale)

    first = result["numbers"][0]
    scope = "own" if metric.startswith("own_") else "team"
    value = int(metric_value(anna_today, metric))
    assert (first["metric"], first["scope"], first["value"]) == (metric.removeprefix("own_"), scope, value)


@pytest.mark.parametrize(
    ("question", "locale", "metric"),
    [
        ("Ich hab 14 überfälige Deals. Womit fang ich an?", "de", "own_overdue_close_dates"),
        ("wie verhindere ich dass meine Pipeline einstaubt?", "de", "own_stale_deals"),
        ("was tun mit Reps, die jeden Monat das Closedate verschieben?", "de", "overdue_close_dates"),
        ("our reps' actvities are low, how do I raise them?", "en", "activities_7d_team"),
        ("how do I get reps to touch their stagnant deals?", "en", "stale_deals"),
    ],
)
def test_compounds_spellings_and_typos_name_the_metric(question: str, locale: str, metric: str) -> None:
    assert asked_metric(question, locale) == metric  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("a laptop for the office, which one?", "en"),  # a short word one edit from a term is no typo
        ("the weather is lovely today", "en"),
        ("wie plane ich meine Woche?", "de"),
    ],
)
def test_words_near_no_metric_term_name_no_metric(question: str, locale: str) -> None:
    assert asked_metric(question, locale) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "locale", "metric"),
    [
        ("how do I build a hubspot report of stale deals for the team?", "en", "stale_deals"),
        ("how do I filter for deals with an overdue close date in salesforce?", "en", "overdue_close_dates"),
        (
            "wie baue ich in HubSpot einen Bericht über Deals ohne nächsten Schritt?",
            "de",
            "deals_without_next_step",
        ),
        ("wie erstelle ich in Pipedrive einen Filter für veraltete Deals?", "de", "stale_deals"),
    ],
)
def test_a_tool_question_about_a_report_of_a_metric_states_its_number(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], question: str, locale: str, metric: str
) -> None:
    result = ask(question, capsys, locale)

    assert result["kind"] == "tool_howto" and result["goal"] is None
    assert result["numbers"][0]["metric"] == metric
