"""A numbers question gets exactly the numbers it asks for (own or team) and the deals that show an
asked problem; a question naming no number gets the overview /crmcoach stats shows."""

from __future__ import annotations

import pytest

from bot.coaching.coach import Coach, CoachAnswer
from bot.crm.base import ManagerStats
from bot.formatting import format_money
from bot.i18n import Language
from tests.helpers import numbers_reply


def bullets(answer: CoachAnswer) -> list[str]:
    return [line for line in answer.text.splitlines() if line.startswith("• ")]


@pytest.mark.parametrize(
    ("question", "language", "metric", "value"),
    [
        ("total € tied up in open opps across the reps?", "en", "open_value", "open_value"),
        ("what is the deal value of my open opps, only mine", "en", "own_open_value", "own_open_value"),
        ("Gesamtvolumen der offenen Chancen im Vertriebsteam?", "de", "open_value", "open_value"),
        ("Auftragswert meiner offenen Deals, bitte", "de", "own_open_value", "own_open_value"),
    ],
)
def test_a_value_question_gets_the_value_alone(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, metric: str, value: str
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    assert [fact.metric for fact in answer.numbers] == [metric]
    [line] = bullets(answer)
    assert format_money(getattr(anna, value), anna.currency, language) in line
    assert answer.lessons == ()


def test_an_own_problem_lists_only_the_managers_own_deals_with_it(coach: Coach, anna: ManagerStats) -> None:
    answer = numbers_reply(
        coach, anna, "wie viele meiner Deals haben das Abschlussdatum überzogen, und welche?", "de"
    )

    assert [fact.metric for fact in answer.numbers] == ["own_overdue_close_dates"]
    [line] = bullets(answer)[:1]
    assert f"{anna.own_overdue_close_dates} deiner eigenen {anna.own_open_deals} offenen Deals" in line
    listed = bullets(answer)[1:]
    assert listed
    assert all("Anna Berger" in deal and "Abschlusstermin überschritten" in deal for deal in listed)


def test_two_asked_numbers_of_the_team_and_nothing_else(coach: Coach, anna: ManagerStats) -> None:
    answer = numbers_reply(coach, anna, "across the team: stale opps and opps with no next step?")

    assert sorted((fact.metric, fact.scope) for fact in answer.numbers) == [
        ("deals_without_next_step", "team"),
        ("stale_deals", "team"),
    ]
    assert f"won {anna.won_90d} and lost {anna.lost_90d}" not in answer.text
    listed = bullets(answer)[2:]
    assert all("no activity" in deal or "no next step" in deal for deal in listed)


def test_a_question_naming_no_number_gets_the_overview(coach: Coach, anna: ManagerStats) -> None:
    answer = numbers_reply(coach, anna, "just give me the numbers")

    assert f"won {anna.won_90d} and lost {anna.lost_90d}" in answer.text
    assert "*Worth a look first*" in answer.text
    # the JSON lists every number the text states
    assert len(answer.numbers) == len(bullets(answer)) - len(anna.attention)


@pytest.mark.parametrize(
    ("question", "language", "title"),
    [
        (
            "top five opps by value in my team, amounts please",
            "en",
            "*The 5 biggest open deals in your team*",
        ),
        (
            "Welche sind unsere wertvollsten offenen Deals?",
            "de",
            "*Die 5 größten offenen Deals in deinem Team*",
        ),
    ],
)
def test_asked_for_the_biggest_deals_it_lists_the_teams_biggest_by_amount(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, title: str
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    after_title = answer.text.split(title, 1)[1].split("\n\n")[0]
    listed = [line for line in after_title.splitlines() if line.startswith("• ")]
    amounts = [deal.amount for deal in anna.biggest_open_deals[:5]]
    assert len(listed) == len(amounts) == 5
    assert all(
        format_money(amount, anna.currency, language) in line
        for amount, line in zip(amounts, listed, strict=True)
    )
