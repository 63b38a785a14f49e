"""The ranking of the biggest deals says what it is drawn from: one line before the list with the open
deals of that scope (the manager's own or the team's) and their value in each currency, the same figure
the answer's numbers (and `crmcoach ask --json`) give as the open value; English and German."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.coaching.coach import Coach
from bot.crm.base import CurrencyTotal, ManagerStats
from bot.formatting import format_money
from bot.i18n import Language
from tests.helpers import numbers_reply

USD = CurrencyTotal(currency="USD", amount=Decimal(300000), deals=2)
CHF = CurrencyTotal(currency="CHF", amount=Decimal(45000), deals=1)
NBSP = "\xa0"  # German amounts keep the number and its sign together


def lines_after(text: str, title: str) -> list[str]:
    return text.split(title + "\n", 1)[1].splitlines()


@pytest.mark.parametrize(
    ("question", "language", "title", "whole"),
    [
        (
            "the 5 biggest deals in the team",
            "en",
            "*The 5 biggest open deals in your team*",
            "Drawn from your team's 52 open deals, worth €4,014,000 in all.",
        ),
        (
            "my three largest open opportunities",
            "en",
            "*Your 3 biggest open deals*",
            "Drawn from your 12 open deals, worth €902,500 in all.",
        ),
        (
            "die 5 größten Deals im Team",
            "de",
            "*Die 5 größten offenen Deals in deinem Team*",
            f"Dein Team hat 52 offene Deals im Gesamtwert von 4.014.000{NBSP}€.",
        ),
        (
            "meine drei größten Deals",
            "de",
            "*Deine 3 größten offenen Deals*",
            f"Du hast 12 offene Deals im Gesamtwert von 902.500{NBSP}€.",
        ),
    ],
)
def test_one_line_before_the_list_says_the_open_deals_and_value_it_is_drawn_from(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, title: str, whole: str
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    after = lines_after(answer.text, title)
    assert after[0] == whole
    assert after[1].startswith("• ")
    # the figures the line states are the answer's numbers, in the ranking's scope, value first
    own = title.startswith(("*Your", "*Deine"))
    stated = [(fact.metric, fact.value) for fact in answer.numbers]
    assert stated == (
        [("own_open_value", float(anna.own_open_value)), ("own_open_deals", float(anna.own_open_deals))]
        if own
        else [("open_value", float(anna.open_value)), ("open_deals", float(anna.open_deals))]
    )


@pytest.mark.parametrize(
    ("question", "language", "line", "bullet"),
    [
        ("my 3 biggest deals and how many open deals do I have", "en", "Drawn from your 12 open deals", None),
        ("meine 3 größten Deals und wie viele offene Deals habe ich", "de", "Du hast 12 offene Deals", None),
        (
            "the 3 biggest deals in the team and how many open deals do I have",
            "en",
            "Drawn from your team's 52 open deals",
            "• You own 12 open deals",
        ),
        (
            "die 3 größten Deals im Team und wie viele offene Deals habe ich",
            "de",
            "Dein Team hat 52 offene Deals",
            "• Du selbst hast 12 offene Deals",
        ),
    ],
)
def test_an_open_deal_count_asked_with_the_ranking_is_stated_once_and_kept_in_the_numbers(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, line: str, bullet: str | None
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    lines = answer.text.splitlines()
    assert sum(each.startswith(line) for each in lines) == 1
    counts = {fact.metric: fact.value for fact in answer.numbers}
    assert counts["own_open_deals"] == anna.own_open_deals
    own_bullets = [each for each in lines if each.startswith(("• You own", "• Du selbst hast"))]
    assert own_bullets == ([] if bullet is None else [b for b in own_bullets if b.startswith(bullet)])
    assert len(own_bullets) == (0 if bullet is None else 1)


@pytest.mark.parametrize(
    ("language", "own", "whole"),
    [
        (
            "en",
            False,
            "Drawn from your team's 52 open deals, worth €4,014,000 (+ $300,000 in 2 USD deals and "
            "{chf} in 1 CHF deal) in all.",
        ),
        (
            "de",
            True,
            f"Du hast 12 offene Deals im Gesamtwert von 902.500{NBSP}€ (+ 300.000{NBSP}$ in 2 USD-Deals und "
            "{chf} in 1 CHF-Deal).",
        ),
    ],
)
def test_other_currencies_are_told_apart_never_added(
    coach: Coach, anna: ManagerStats, *, language: Language, own: bool, whole: str
) -> None:
    stats = replace(anna, other_open_values=(USD, CHF), own_other_open_values=(USD, CHF))
    question = {"en": "the 3 biggest deals in the team", "de": "meine 3 größten Deals"}[language]

    answer = numbers_reply(coach, stats, question, language)

    assert whole.format(chf=format_money(CHF.amount, "CHF", language)) in answer.text.splitlines()
    others = [(total.currency, total.amount) for total in answer.numbers[0].others]
    assert answer.numbers[0].currency == "EUR" and others == [("USD", 300000), ("CHF", 45000)]
    assert answer.numbers[0].metric == ("own_open_value" if own else "open_value")


def test_a_single_open_deal_is_told_as_one(coach: Coach, anna: ManagerStats) -> None:
    stats = replace(anna, own_open_deals=1, own_biggest_open_deals=anna.own_biggest_open_deals[:1])
    value = anna.own_biggest_open_deals[0].amount
    stats = replace(stats, own_open_value=value)

    english = numbers_reply(coach, stats, "my 3 biggest deals", "en")
    german = numbers_reply(coach, stats, "meine 3 größten Deals", "de")

    assert f"You have 1 open deal, worth €{value:,.0f}." in english.text.splitlines()
    assert "Du hast 1 offenen Deal, " in german.text


def test_no_ranking_to_list_states_no_value(coach: Coach, anna: ManagerStats) -> None:
    """Numbers stored before the ranking: the deals worth a look, and no open value made up for them."""
    stats = replace(anna, biggest_open_deals=())

    answer = numbers_reply(coach, stats, "the 5 biggest deals in the team")

    assert "Drawn from" not in answer.text
    assert all(fact.metric != "open_value" for fact in answer.numbers)


@pytest.mark.parametrize(
    ("question", "language", "note"),
    [
        ("biggest deals closing this month", "en", "Not filtered by close date: "),
        ("Die größten Deals in diesem Quartal?", "de", "Nicht nach Abschlussdatum gefiltert: "),
        ("show me the 3 biggest deals over 50k", "en", "Not filtered by amount: "),
        ("die 3 größten Deals über 100.000 €", "de", "Nicht nach Betrag gefiltert: "),
        ("what are our biggest deals in USD?", "en", "Not filtered by currency: "),
        ("what are the biggest deals of Noah Adams?", "en", "Not filtered by rep: "),
        ("die größten Deals von Noah", "de", "Nicht nach Rep gefiltert: "),
        ("what are Emma's biggest deals?", "en", "Not filtered by rep: "),
        ("what are Østergaard's biggest deals?", "en", "Not filtered by rep: "),
        ("die größten Deals von Özlem", "de", "Nicht nach Rep gefiltert: "),
        ("the 5 biggest deals in the team", "en", None),
        ("what are the 5 biggest deals for my 12 reps?", "en", None),
        ("Liste die 2 größten Opportunities von mir", "de", None),
        ("die größten Deals im Team nach Betrag", "de", None),
    ],
)
def test_a_filter_the_ranking_cannot_apply_is_told_in_one_line(
    coach: Coach, anna: ManagerStats, *, question: str, language: Language, note: str | None
) -> None:
    answer = numbers_reply(coach, anna, question, language)

    lines = answer.text.splitlines()
    notes = [line for line in lines if "filtered by" in line or "gefiltert:" in line]
    assert notes == ([] if note is None else [line for line in notes if line.startswith(note)])
    assert len(notes) == (0 if note is None else 1)
    assert any(line.startswith("• ") for line in lines)  # the ranking is still listed
