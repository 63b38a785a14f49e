"""A numbers question gets exactly the numbers it asks for (own or team) and the deals that show an
asked problem; a question naming no number gets the overview /crmcoach stats shows."""

from __future__ import annotations

from dataclasses import replace

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
    own = [d for d in anna.attention if d.owner_id == anna.owner.crm_id and "overdue" in d.reasons]
    listed = bullets(answer)[1:]
    assert len(listed) == len(own) == 1  # Anna's one overdue deal among the team's worth a look
    assert own[0].name in listed[0] and "Abschlusstermin überschritten" in listed[0]
    # the list holds fewer than the count: it says where all of them are
    assert "die Deal-Liste in Demo CRM, nach diesem Problem gefiltert, zeigt alle" in answer.text


@pytest.mark.parametrize(
    ("question", "language", "note"),
    [
        (
            "how many of my deals are stale and which ones?",
            "en",
            "These are just the ones among the deals worth a look first",
        ),
        ("welche meiner Deals sind seit Wochen unberührt, und wie viele?", "de", "Das sind nur die unter"),
    ],
)
def test_an_own_list_shorter_than_its_count_says_it_is_partial(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, note: str
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    listed = bullets(answer)[1:]
    assert [fact.metric for fact in answer.numbers] == ["own_stale_deals"]
    assert 0 < len(listed) < anna.own_stale_deals
    assert note in answer.text


@pytest.mark.parametrize(
    ("question", "language", "note"),
    [
        ("list my biggest deals without a next step", "en", "None of them is among the deals worth a look"),
        ("which of my own deals have no next step?", "en", "None of them is among the deals worth a look"),
        ("welche meiner Deals haben keine Wiedervorlage?", "de", "Keiner davon ist unter den Deals"),
    ],
)
def test_an_own_problem_none_of_whose_deals_is_kept_says_where_they_are(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, note: str
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    assert anna.own_deals_without_next_step > 0
    assert [fact.metric for fact in answer.numbers] == ["own_deals_without_next_step"]
    assert len(bullets(answer)) == 1  # the count; no deal is Anna's among those kept
    assert note in answer.text


def test_a_rep_named_like_the_manager_is_not_the_managers_own(coach: Coach, anna: ManagerStats) -> None:
    namesake = tuple(replace(d, owner_name=anna.owner.name) for d in anna.attention)
    stats = replace(anna, attention=namesake)

    answer = numbers_reply(coach, stats, "how many of my deals are stale and which ones?")

    own = [d.name for d in anna.attention if d.owner_id == anna.owner.crm_id]
    listed = bullets(answer)[1:]
    assert len(listed) == len(own) and all(name in "".join(listed) for name in own)


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
