"""Asked for the biggest deals ("5 biggest open opps", „die 3 größten meiner eigenen Deals“), the numbers
answer lists them biggest first with owner and amount: as many as asked (default 5, at most 10), the
team's or the manager's own, in English and German; through `crmcoach ask` as in the chat."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.coaching.asked_biggest import read_biggest
from bot.coaching.coach import Coach
from bot.crm.base import BIGGEST_DEALS_LIMIT, ListedDeal, ManagerStats
from bot.formatting import format_money
from bot.i18n import Language
from tests.helpers import ask_json, numbers_reply

ANNA = "anna.berger@example.com"  # the first demo manager, M00001


def ranking(text: str, title: str) -> list[str]:
    """The bullet lines right under `title`."""
    after = text.split(title + "\n", 1)[1].split("\n\n", maxsplit=1)[0]
    return [line for line in after.splitlines() if line.startswith("• ")]


def shown(
    deals: tuple[ListedDeal, ...], stats: ManagerStats, language: Language, *, owner: bool
) -> list[str]:
    """The lines a ranking of `deals` shows (names as the CRM has them: Slack's escaping is the render's)."""
    return [
        f"• {format_money(d.amount, stats.currency, language)} – {d.name}"
        + (f" ({d.owner_name})" if owner else "")
        for d in deals
    ]


@pytest.mark.parametrize(
    ("question", "language", "count", "own", "scope_term"),
    [
        ("5 biggest open opps, amounts only", "en", 5, False, None),
        ("my top 3 deals by value", "en", 3, True, "my top 3 deal"),
        ("top five opps by value in my team, amounts please", "en", 5, False, "team"),
        ("show me the five deals with the highest value", "en", 5, False, None),
        ("zeig mir die größten Deals im Team", "de", None, False, "team"),
        ("die 3 größten meiner eigenen Deals", "de", 3, True, "meiner eigenen"),
        ("zeig mir die top-5 Deals", "de", 5, False, None),
        ("die zwei dicksten Deals bei mir?", "de", 2, True, "bei mir"),
    ],
)
def test_the_question_says_how_many_and_whose(
    question: str, language: Language, count: int | None, own: bool, scope_term: str | None
) -> None:
    reading = read_biggest(question, language)

    assert reading is not None
    assert (reading.count, reading.own, reading.scope_term) == (count, own, scope_term)


@pytest.mark.parametrize(
    ("question", "language", "count"),
    [
        # a number counting days or reps is no count of deals; "top N" is read whole
        ("which deals in the last 30 days are the biggest?", "en", None),
        ("Which of our 12 reps have the biggest deals", "en", None),
        ("the 3 biggest deals above 50 k", "en", 3),
        ("top 50 deals by amount please", "en", 50),
        ("top 30 deals", "en", 30),
        ("top 100 deals by amount", "en", 100),
        ("die top 20 Deals im Team nach Betrag", "de", 20),
        ("welche Deals der letzten 14 Tage sind die größten?", "de", None),
        # one deal asked for: one shown
        ("What is our biggest open deal?", "en", 1),
        ("Was ist der größte Deal im Team?", "de", 1),
        ("Welches ist mein größter offener Deal?", "de", 1),
    ],
)
def test_only_a_count_of_deals_is_the_count(question: str, language: Language, count: int | None) -> None:
    reading = read_biggest(question, language)

    assert reading is not None
    assert reading.count == count


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("how many open deals do we have?", "en"),
        # "biggest"/„größten“ without a deal word next to them, or inside another word
        ("What's our biggest problem - how many deals are overdue?", "en"),
        ("the biggest issue is stale deals: how many do we have?", "en"),
        ("Wie viele offene Deals hat mein Team? Die sind größtenteils von Lukas.", "de"),
        ("Meine Deals sind größtenteils überfällig, wie viele genau?", "de"),
        ("Was ist unser größtes Problem bei den überfälligen Deals?", "de"),
    ],
)
def test_a_question_not_about_size_asks_for_no_ranking(question: str, language: Language) -> None:
    assert read_biggest(question, language) is None


@pytest.mark.parametrize(
    ("question", "language", "title", "count"),
    [
        ("list the 3 biggest open deals in my team", "en", "*The 3 biggest open deals in your team*", 3),
        ("what are our biggest deals by amount?", "en", "*The 5 biggest open deals in your team*", 5),
        ("zeig mir die größten Deals im Team", "de", "*Die 5 größten offenen Deals in deinem Team*", 5),
        ("die sieben größten Deals im Team, bitte", "de", "*Die 7 größten offenen Deals in deinem Team*", 7),
    ],
)
def test_the_teams_biggest_deals_biggest_first_with_owner_and_amount(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, title: str, count: int
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    assert answer.text.splitlines()[2] == title  # the ranking leads, right under the heading
    assert ranking(answer.text, title) == shown(anna.biggest_open_deals[:count], anna, language, owner=True)
    amounts = [d.amount for d in anna.biggest_open_deals]
    assert amounts == sorted(amounts, reverse=True)
    assert any(d.owner_name != "Anna Berger" for d in anna.biggest_open_deals[:count])


@pytest.mark.parametrize(
    ("question", "language", "title", "count"),
    [
        ("list my own 3 biggest open deals", "en", "*Your 3 biggest open deals*", 3),
        ("die 4 größten meiner eigenen Deals", "de", "*Deine 4 größten offenen Deals*", 4),
    ],
)
def test_own_scope_lists_the_managers_own_biggest_deals(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, title: str, count: int
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    own = anna.own_biggest_open_deals
    assert ranking(answer.text, title) == shown(own[:count], anna, language, owner=False)
    assert own[0] != anna.biggest_open_deals[0]  # the team's biggest is someone else's: scope shows


def test_a_count_over_the_limit_lists_the_limit_and_says_where_the_rest_is(
    coach: Coach, anna: ManagerStats
) -> None:
    answer = numbers_reply(coach, anna, "the 25 biggest open deals in the team?")

    title = f"*The {BIGGEST_DEALS_LIMIT} biggest open deals in your team*"
    assert len(ranking(answer.text, title)) == BIGGEST_DEALS_LIMIT
    assert "I keep the 10 biggest; the deal list in Demo CRM sorted by amount shows the rest." in answer.text


@pytest.mark.parametrize(
    ("question", "language", "count", "note"),
    [
        ("top 50 deals by amount please", "en", 10, "I keep the 10 biggest;"),
        ("top 100 deals by amount", "en", 10, "I keep the 10 biggest;"),
        ("which deals in the last 30 days are the biggest?", "en", 5, None),
        ("Which of our 12 reps have the biggest deals", "en", 5, None),
        ("What is our biggest open deal?", "en", 1, None),
        ("die top 20 Deals im Team nach Betrag", "de", 10, "Ich behalte die 10 größten;"),
    ],
)
def test_the_ranking_shows_as_many_as_asked_and_says_when_it_is_cut(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, count: int, note: str | None
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    title = answer.text.splitlines()[2]
    assert ranking(answer.text, title) == shown(anna.biggest_open_deals[:count], anna, language, owner=True)
    assert (note is not None and note in answer.text) or "10 biggest;" not in answer.text


def test_more_asked_than_ranked_says_only_these_have_an_amount_not_the_limit(
    coach: Coach, anna: ManagerStats
) -> None:
    stats = replace(anna, biggest_open_deals=anna.biggest_open_deals[:3])

    answer = numbers_reply(coach, stats, "the 25 biggest open deals in the team?")

    assert len(ranking(answer.text, "*The 3 biggest open deals in your team*")) == 3
    assert "Only these 3 open deals in your team have an amount." in answer.text
    assert "I keep the 10 biggest" not in answer.text


def test_a_manager_without_own_deals_hears_so_not_that_none_has_an_amount(
    coach: Coach, anna: ManagerStats
) -> None:
    stats = replace(anna, own_biggest_open_deals=(), own_open_value=0, own_open_deals=0)

    answer = numbers_reply(coach, stats, "meine eigenen 3 größten Deals", "de")

    assert "Du hast in Demo CRM keine eigenen offenen Deals" in answer.text
    assert "Betrag" not in answer.text


def test_fewer_ranked_deals_than_asked_says_so(coach: Coach, anna: ManagerStats) -> None:
    stats = replace(anna, own_biggest_open_deals=anna.own_biggest_open_deals[:2])

    answer = numbers_reply(coach, stats, "meine eigenen 5 größten Deals", "de")

    assert len(ranking(answer.text, "*Deine 2 größten offenen Deals*")) == 2
    assert "Nur diese 2 deiner offenen Deals haben einen Betrag." in answer.text


def test_no_deal_with_an_amount_says_there_is_nothing_to_rank(coach: Coach, anna: ManagerStats) -> None:
    stats = replace(anna, own_biggest_open_deals=(), own_open_value=0)

    answer = numbers_reply(coach, stats, "my own 3 biggest deals")

    assert "None of your own open deals has an amount in Demo CRM" in answer.text


def test_numbers_stored_before_the_ranking_list_the_deals_worth_a_look_by_amount(
    coach: Coach, anna: ManagerStats
) -> None:
    stats = replace(anna, biggest_open_deals=(), own_biggest_open_deals=())

    answer = numbers_reply(coach, stats, "top five opps by value in my team, amounts please")

    note = "These numbers from Demo CRM hold no ranking of all open deals by size yet"
    after = answer.text.split(note, 1)[1].split("\n\n")[0]
    listed = [line for line in after.splitlines() if line.startswith("• ")]
    amounts = sorted((deal.amount for deal in anna.attention), reverse=True)
    assert len(listed) == len(amounts) > 0
    assert all(format_money(a, anna.currency, "en") in line for a, line in zip(amounts, listed, strict=True))


@pytest.mark.parametrize(
    ("question", "language", "note"),
    [
        ("my own 3 biggest deals", "en", "hold no ranking of your own open deals by size yet"),
        ("meine größten eigenen Deals?", "de", "keine Rangliste deiner eigenen offenen Deals"),
    ],
)
def test_numbers_stored_before_the_ranking_list_only_the_own_deals_worth_a_look_for_own_scope(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, note: str
) -> None:
    stats = replace(anna, biggest_open_deals=(), own_biggest_open_deals=())

    answer = numbers_reply(coach, stats, question, language)

    own = [d for d in anna.attention if d.owner_id == anna.owner.crm_id]
    others = [d for d in anna.attention if d.owner_id != anna.owner.crm_id]
    assert note in answer.text
    assert own and others  # the team's list holds both: scope shows
    assert all(d.name in answer.text for d in own)
    assert not any(d.name in answer.text for d in others)


def test_numbers_stored_before_owner_ids_list_no_team_deals_as_the_managers_own(
    coach: Coach, anna: ManagerStats
) -> None:
    attention = tuple(replace(d, owner_id=None) for d in anna.attention)
    stats = replace(anna, biggest_open_deals=(), own_biggest_open_deals=(), attention=attention)

    answer = numbers_reply(coach, stats, "list my own biggest deals")

    assert "hold no ranking of your own open deals by size yet" in answer.text
    assert not any(d.name in answer.text for d in anna.attention)


def test_the_biggest_deals_with_a_problem_are_the_deals_worth_a_look_with_it(
    coach: Coach, anna: ManagerStats
) -> None:
    answer = numbers_reply(coach, anna, "our biggest stale deals in the team?")

    assert "My ranking of the biggest deals doesn't say which of them have this problem" in answer.text
    assert "biggest open deals in your team*" not in answer.text


# --- through `crmcoach ask --json`, as an admin tries it --------------------------------------------------
@pytest.mark.parametrize(
    ("question", "locale", "title", "own", "count", "numbers"),
    [
        (
            "list the 3 biggest open deals in my team",
            "en",
            "*The 3 biggest open deals in your team*",
            False,
            3,
            [("open_value", "team"), ("open_deals", "team")],
        ),
        (
            "my top 3 deals by value",
            "en",
            "*Your 3 biggest open deals*",
            True,
            3,
            [("open_value", "own"), ("open_deals", "own")],
        ),
        (
            "zeig mir die größten Deals im Team",
            "de",
            "*Die 5 größten offenen Deals in deinem Team*",
            False,
            5,
            [("open_value", "team"), ("open_deals", "team")],
        ),
        (
            "liste meine 4 größten offenen Deals",
            "de",
            "*Deine 4 größten offenen Deals*",
            True,
            4,
            [("open_value", "own"), ("open_deals", "own")],
        ),
    ],
)
def test_crmcoach_ask_lists_the_biggest_deals(
    anna_today: ManagerStats,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    locale: Language,
    title: str,
    own: bool,
    count: int,
    numbers: list[tuple[str, str]],
) -> None:
    result = ask_json(question, capsys, "--user", ANNA, "--locale", locale)

    deals = anna_today.own_biggest_open_deals if own else anna_today.biggest_open_deals
    assert result["kind"] == "numbers" and result["lessons"] == []
    assert ranking(result["answer"], title) == shown(deals[:count], anna_today, locale, owner=not own)
    # the JSON states the numbers the text states: the open value the ranking is drawn from, once
    assert [(fact["metric"], fact["scope"]) for fact in result["numbers"]] == numbers
