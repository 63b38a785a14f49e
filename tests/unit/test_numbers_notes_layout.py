"""Where a numbers answer says whose figures these are and that a figure keeps no stage: the line on
whose comes first, right under the title (before the stages, or before why there are none); the line
on the stage comes last, right above the footer. English and German."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.coaching.coach import Coach
from bot.crm.base import ManagerStats
from bot.i18n import Language, t
from tests.helpers import numbers_reply
from tests.unit.test_stage_named import ENGLISH_LABELS, GERMAN_LABELS

CRM = "Demo CRM"
LABELS = {"en": ENGLISH_LABELS, "de": GERMAN_LABELS}


def paragraphs(coach: Coach, stats: ManagerStats, question: str, language: Language) -> list[str]:
    return numbers_reply(coach, stats, question, language).text.split("\n\n")


def with_labels(stats: ManagerStats, language: Language) -> ManagerStats:
    return replace(stats, open_by_stage=LABELS[language], own_open_by_stage=LABELS[language])


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("how many stale deals does the Berlin team have?", "en"),
        ("wie viele offene Deals hat die ganze Firma?", "de"),
    ],
)
def test_someone_elses_figures_are_said_right_under_the_title(
    coach: Coach, anna: ManagerStats, question: str, language: Language
) -> None:
    said = paragraphs(coach, anna, question, language)

    assert said[:2] == [t(language, "kinds.numbers_title", crm=CRM), t(language, "kinds.numbers_others")]
    assert said[-1].startswith("_") and said[-1].endswith("_")  # the footer


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("how many deals does the CEO have in negotiation?", "en"),
        ("wie viele Deals in Verhandlung hat der Geschäftsführer?", "de"),
    ],
)
def test_someone_elses_figures_by_stage_are_said_before_the_stages(
    coach: Coach, anna: ManagerStats, question: str, language: Language
) -> None:
    said = paragraphs(coach, with_labels(anna, language), question, language)

    assert said[:2] == [t(language, "kinds.numbers_title", crm=CRM), t(language, "kinds.numbers_others")]
    assert said[2].startswith(t(language, "kinds.stages_title_team") + "\n• ")


def test_a_rep_of_the_team_by_stage_is_said_before_the_stages(coach: Coach, anna: ManagerStats) -> None:
    rep = next(deal.owner_name for deal in anna.attention if deal.owner_name != anna.owner.name)

    said = paragraphs(coach, anna, f"what's {rep.split()[0]}'s pipeline by stage?", "en")

    assert said[1] == t("en", "kinds.numbers_team_rep", who=rep, crm=CRM)
    assert said[2].startswith(t("en", "kinds.stages_title_team") + "\n• ")


@pytest.mark.parametrize(
    ("question", "language", "unread"),
    [
        ("what's the CEO's pipeline by stage?", "en", False),
        ("wie viele Deals hat die ganze Firma pro Phase?", "de", True),
    ],
)
def test_whose_comes_before_why_there_are_no_stages(
    coach: Coach, anna: ManagerStats, question: str, language: Language, unread: bool
) -> None:
    stats = replace(anna, open_by_stage=(), own_open_by_stage=(), stage_names_unread=unread)

    said = paragraphs(coach, stats, question, language)

    missing = "kinds.stages_unread" if unread else "kinds.stages_none"
    assert said[:3] == [
        t(language, "kinds.numbers_title", crm=CRM),
        t(language, "kinds.numbers_others"),
        t(language, missing, crm=CRM),
    ]
    assert said[3].startswith("• ")  # then the overview's figures


@pytest.mark.parametrize(
    ("question", "language", "others"),
    [
        ("how many deals in negotiation haven't moved in 30 days?", "en", False),
        ("wie viele Deals in Verhandlung sind ohne Aktivität?", "de", False),
        ("how many stale deals in negotiation does the CEO have?", "en", True),
    ],
)
def test_a_figure_kept_for_no_stage_is_said_right_above_the_footer(
    coach: Coach, anna: ManagerStats, question: str, language: Language, others: bool
) -> None:
    said = paragraphs(coach, with_labels(anna, language), question, language)

    assert said[-2] == t(language, "kinds.numbers_unfiltered_stage", crm=CRM)
    assert said[-1].startswith("_") and said[-1].endswith("_")  # the footer
    assert said[0] == t(language, "kinds.numbers_title", crm=CRM)
    # under the title: the line on whose figures these are, else the figures
    assert said[1] == t(language, "kinds.numbers_others") if others else said[1].startswith("• ")
