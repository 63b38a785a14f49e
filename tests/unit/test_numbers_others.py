"""Whose figures a numbers question asks for: someone else's (a name, he/she, the CEO, another team, the
whole company) or a rep of the asker's team; the asker's own and their team's are neither."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.coaching.others_asked import whose_figures
from bot.crm.base import ListedDeal, ManagerStats, Owner
from bot.i18n import Language


@pytest.fixture
def stats(anna_today: ManagerStats) -> ManagerStats:
    rep = ListedDeal(
        deal_id="D1", name="Acme", owner_name="Emma Lewis", amount=Decimal(1), currency="EUR", owner_id="O2"
    )
    owner = Owner(crm_id="M1", email="anna@example.com", name="Anna Berger", manager_crm_id=None)
    return replace(anna_today, owner=owner, biggest_open_deals=(rep,))


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("how many overdue deals does Mark have? he's not mine", "en"),
        ("how many deals does Søren have? he's not mine", "en"),  # a name of Latin-1 letters
        ("wie viele Deals hat Jürgen?", "de"),
        ("what's the CEO's pipeline value?", "en"),
        ("number of stale deals across the company", "en"),
        ("how much pipeline does the Berlin team have?", "en"),
        ("how many deals does she have open?", "en"),
        ("was ist der Pipelinewert vom Geschäftsführer?", "de"),
        ("wie viele offene Deals haben alle Kollegen zusammen?", "de"),
        ("was ist Peters Pipeline wert?", "de"),
        ("veraltete Deals der Region Süd?", "de"),
        ("what's my manager's pipeline value?", "en"),
        ("how many deals does the marketing team have?", "en"),
        ("wie viele Deals hat das Team Nord?", "de"),
    ],
)
def test_someone_elses_figures(stats: ManagerStats, question: str, language: Language) -> None:
    found = whose_figures(question, stats, language)
    assert found is not None and found.kind == "other"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("how many deals does my team have?", "en"),
        ("Mark's team is mine, how many overdue?", "en"),
        ("how many stale deals do my reps have?", "en"),
        ("what's the pipeline value for Q3?", "en"),
        ("how many open deals does each of my reps have?", "en"),
        ("how many deals does Anna have?", "en"),  # the asker's own name
        ("wie viele Deals hat mein Team?", "de"),
        ("Marks Team ist meins, wie viele sind überfällig?", "de"),
        ("Das Team hat wie viele veraltete Deals?", "de"),
        ("wie viele offene Deals hat jeder meiner Reps?", "de"),
        # someone else named beside the asker's own figure, not as its owner
        ("how many overdue deals do I have? my manager asked me", "en"),
        ("what's my pipeline value? the CEO wants it by friday", "en"),
        ("how many stale deals do I have? I'm new in the company", "en"),
        ("how many of my deals are overdue? I need it for the marketing review", "en"),
        ("How much is the Sales Team pipeline worth?", "en"),
        ("wie viele Deals hat unser Team Nord?", "de"),
        ("wie viele überfällige Deals habe ich? mein Chef fragt", "de"),
        ("Was ist mein Pipelinewert? Der Geschäftsführer will ihn bis Freitag", "de"),
        ("wie viele veraltete Deals habe ich? ich bin neu in der Firma", "de"),
    ],
)
def test_the_askers_own_or_team_figures(stats: ManagerStats, question: str, language: Language) -> None:
    assert whose_figures(question, stats, language) is None


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("what's Emma's pipeline worth?", "en"),
        ("wie viele Deals hat Emma Lewis?", "de"),
        ("Emmas Deals?", "de"),
    ],
)
def test_a_rep_of_the_team(stats: ManagerStats, question: str, language: Language) -> None:
    found = whose_figures(question, stats, language)
    assert found is not None and (found.kind, found.who) == ("rep", "Emma Lewis")


def test_a_named_unit_is_given_without_the_question_mark(stats: ManagerStats) -> None:
    found = whose_figures("wie viele Deals hat das Team Nord?", stats, "de")
    assert found is not None and found.who == "Team Nord"
