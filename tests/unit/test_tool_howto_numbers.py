"""`crmcoach ask --json`: a tool how-to that names a metric ("where do I build a report of my team's
overdue opps") also states the manager's number for it, own or team as asked, and sets no goal; one
that names none gets no numbers line."""

from __future__ import annotations

import pytest

from bot.coaching.metrics import metric_value
from bot.crm.base import ManagerStats
from tests.helpers import ask_anna as ask


@pytest.mark.parametrize(
    ("question", "locale", "metric", "scope", "title"),
    [
        (
            "where in salesforce do I build a report of my team's opportunities with a close date in "
            "the past",
            "en",
            "overdue_close_dates",
            "team",
            "*Your numbers*",
        ),
        (
            "Wo finde ich in HubSpot den Filter ‚letzte Aktivität älter als 14 Tage' für die Deals von "
            "meinem Team?",
            "de",
            "stale_deals",
            "team",
            "*Deine Zahlen*",
        ),
        (
            "where in hubspot do I see which of my own deals have no next step?",
            "en",
            "own_deals_without_next_step",
            "own",
            "*Your numbers*",
        ),
        (
            "Wo sehe ich in Pipedrive, wie viele meiner eigenen Deals überfällig sind?",
            "de",
            "own_overdue_close_dates",
            "own",
            "*Deine Zahlen*",
        ),
    ],
)
def test_a_tool_question_naming_a_metric_states_the_askers_number_and_no_goal(
    anna_today: ManagerStats,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    locale: str,
    metric: str,
    scope: str,
    title: str,
) -> None:
    result = ask(question, capsys, locale)

    assert result["kind"] == "tool_howto" and result["goal"] is None
    first = result["numbers"][0]
    value = int(metric_value(anna_today, metric))
    assert (first["metric"], first["scope"], first["value"]) == (metric.removeprefix("own_"), scope, value)
    numbers_line = result["answer"].split(title + "\n", 1)[1].split("\n")[0]
    assert str(value) in numbers_line
    assert "help" in result["answer"] or "Hilfe" in result["answer"]  # still the vendor's help first


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("where do I click in HubSpot's report builder to add a chart?", "en"),
        ("Wo klicke ich im HubSpot-Berichtsersteller, um ein Diagramm hinzuzufügen?", "de"),
        # a metric word naming a field or an action is not the question's object
        ("what's the shortcut to log a call in hubspot?", "en"),
        ("where do I click in HubSpot to add a next step to a deal?", "en"),
        ("how to bulk update close dates in salesforce list view", "en"),
        ("gibts nen shortcut um nen call in hubspot zu loggen?", "de"),
        ("wo klick ich in HubSpot um einen nächsten Schritt beim Deal einzutragen?", "de"),
        ("wie ändere ich das Abschlussdatum in Salesforce?", "de"),
    ],
)
def test_a_tool_question_naming_no_metric_gets_no_numbers(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], question: str, locale: str
) -> None:
    result = ask(question, capsys, locale)

    assert result["kind"] == "tool_howto"
    assert (result["numbers"], result["goal"]) == ([], None)
    assert "*Your numbers*" not in result["answer"] and "*Deine Zahlen*" not in result["answer"]
