"""Situations told without a metric's usual words ([leading] in prompts/coach/metric_terms.toml): a date
gone by on deals still open is overdue, nothing entered on deals for a while is stale, a coverage inflated
by dead deals is the pipeline value; and the other side of each boundary keeps its own family."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric, figures_asked, read_asked
from bot.i18n import Language


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # a date gone by, though the deals "sit there"
        (
            "en",
            "reps set the last day of the month on everything, so 19 deals from last month are still "
            "sitting there open",
            "overdue_close_dates",
        ),
        ("en", "deals that were supposed to close in october are still open", "overdue_close_dates"),
        ("en", "how many of my own deals should have closed by now?", "own_overdue_close_dates"),
        ("de", "viele Deals hätten im Mai schließen sollen und stehen noch drin", "overdue_close_dates"),
        ("de", "zu viele Deals haben ein Datum, das längst durch ist", "overdue_close_dates"),
        ("en", "deals from last quarter are still open, what now?", "overdue_close_dates"),
        ("en", "19 deals from last month are still sitting there, what now?", "overdue_close_dates"),
        # on the other side: a deal nobody touched is stale, a rep's schedule is no deal date
        ("en", "deals from last month still have no activity, what do I do?", "stale_deals"),
        (
            "en",
            "the deals from last week's review still have no next step, how do I follow up?",
            "deals_without_next_step",
        ),
        ("en", "deals from the trade show nobody touched since", "stale_deals"),
        ("de", "die Schulung ist längst durch, aber die Deals liegen rum", "stale_deals"),
        # nothing entered on deals for weeks is stale ...
        ("de", "30 Deals, wo seit Wochen keiner was eingetragen hat", "stale_deals"),
        ("de", "bei wie vielen Deals wurde seit 30 Tagen nichts erfasst?", "stale_deals"),
        ("en", "20 deals where nobody has logged anything for weeks", "stale_deals"),
        ("en", "how many deals had nothing logged on them this month?", "stale_deals"),
        ("de", "wie viele Leichen haben wir in der Pipeline?", "stale_deals"),
        # ... the team entering few calls or meetings is activities
        ("de", "mein Team hat diese Woche kaum Termine eingetragen", "activities_7d_team"),
        ("en", "the team barely logged any calls this week", "activities_7d_team"),
        ("en", "reps hardly enter their customer meetings", "activities_7d_team"),
        ("de", "ist es ok, die Aktivitäten der Mitarbeiter zu vergleichen?", "activities_7d_team"),
        # a coverage inflated by dead deals is the pipeline value ...
        (
            "de",
            "3x Coverage laut Salesforce, aber jede Menge Leichen drin. Wie rechne ich das ehrlich?",
            "open_value",
        ),
        ("en", "our pipeline coverage is full of dead deals, how do I calculate it honestly", "open_value"),
        ("en", "the pipeline is inflated with zombie deals", "open_value"),
        ("de", "wie hoch ist unsere Pipeline-Abdeckung?", "open_value"),
        # ... but beside deals nobody touched, a coverage told as context leaves the stale deals asked
        (
            "en",
            "coverage is 4x on paper, but half those deals haven't been touched in months",
            "stale_deals",
        ),
        ("de", "Coverage liegt bei 3x, aber bei vielen Deals seit Wochen keine Aktivität", "stale_deals"),
        ("en", "coverage looks like 4x but it's full of dead deals, what's the real number?", "open_value"),
        # ... how many dead deals there are is stale
        ("en", "how many dead deals do we have?", "stale_deals"),
        ("de", "wie viele tote Deals hat das Team?", "stale_deals"),
    ],
)
def test_a_situation_names_its_metric(language: Language, question: str, metric: str) -> None:
    reading = read_asked(question, language)
    assert reading is not None and reading.metric == metric


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "last month the team still had the old crm open in another tab"),
        ("de", "mein Abo vom CRM-Tool ist gekündigt, wen frage ich?"),
        ("de", "im letzten Quartal lief die Schulung, die längst durch schien"),
    ],
)
def test_a_past_time_without_deal_dates_names_no_metric(language: Language, question: str) -> None:
    assert read_asked(question, language) is None


def test_a_numbers_question_lists_the_situation_first() -> None:
    assert figures_asked("how many deals should have closed by now but are still open?")[0] == (
        "overdue_close_dates"
    )
    german = "bei wie vielen Deals hat seit Wochen niemand was eingetragen?"
    assert figures_asked(german)[0] == "stale_deals"


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # a missing target date is no date gone by: asked like any figure the stats do not keep
        ("en", "how many deals have no target date?", "open_deals"),
        ("de", "Wie viele Deals haben kein Zieldatum?", "open_deals"),
        # a target date set is one that can go by
        ("en", "how do I get reps to set a realistic target date?", "overdue_close_dates"),
    ],
)
def test_a_missing_target_date_is_not_overdue(language: Language, question: str, metric: str) -> None:
    reading = read_asked(question, language)
    assert reading is not None and reading.metric == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # what happens next to deals is their next step ...
        ("en", "deals where nobody knows what happens next", "deals_without_next_step"),
        ("en", "on how many deals does nobody know what happens next?", "deals_without_next_step"),
        ("de", "Bei welchen Deals weiß keiner, wie es weitergeht?", "deals_without_next_step"),
        ("en", "for how many opportunities do we not know what happens next?", "deals_without_next_step"),
        ("en", "which deals do we not know what happens next on?", "deals_without_next_step"),
        # ... what happens next after a loss, a rollout or an exercise is not
        ("en", "what happens next after a deal is marked lost?", "lost_90d"),
        ("de", "Wie erkläre ich meinem Team, wie es nach der Umstellung weitergeht?", None),
        ("en", "my team doesn't know what happens next after the CRM rollout, how do I explain it?", None),
        ("en", "I finished the exercise, what comes next?", None),
    ],
)
def test_what_happens_next_is_a_next_step_only_of_deals(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric
