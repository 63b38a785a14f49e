"""Which stage a manager's question names, seen in the coach's answer: after a cue a stage label names
its stage whatever follows ("in negotiation Q4", „in Verhandlung diese Woche“); only an everyday label
("New", „Neu“) that goes on as a longer name ("in new york", "new vs existing business") names none."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.coaching.coach import Coach
from bot.crm.base import ManagerStats, StageTotal
from bot.i18n import Language
from tests.helpers import numbers_reply

ENGLISH_LABELS = (
    StageTotal("New", 4, Decimal(40_000)),
    StageTotal("Qualified", 5, Decimal(50_000)),
    StageTotal("Proposal", 6, Decimal(60_000)),
    StageTotal("Negotiation/Review", 3, Decimal(90_000)),
    StageTotal("Commit", 2, Decimal(20_000)),
)
GERMAN_LABELS = (
    StageTotal("Neu", 4, Decimal(40_000)),
    StageTotal("Angebot", 2, Decimal(30_000)),
    StageTotal("Verhandlung", 3, Decimal(90_000)),
    StageTotal("Abschluss", 2, Decimal(20_000)),
)
EN_LINES = {
    "New": "• New: 4 open deals, €40,000",
    "Qualified": "• Qualified: 5 open deals, €50,000",
    "Proposal": "• Proposal: 6 open deals, €60,000",
    "Negotiation/Review": "• Negotiation/Review: 3 open deals, €90,000",
    "Commit": "• Commit: 2 open deals, €20,000",
}
DE_LINES = {
    "Neu": "• Neu: 4 offene Deals, 40.000",
    "Angebot": "• Angebot: 2 offene Deals, 30.000",
    "Verhandlung": "• Verhandlung: 3 offene Deals, 90.000",
    "Abschluss": "• Abschluss: 2 offene Deals, 20.000",
}


def _stages_said(coach: Coach, anna: ManagerStats, question: str, language: Language) -> list[str]:
    """The stages the answer lists; none: the answer, for the failure message."""
    labels, lines = (ENGLISH_LABELS, EN_LINES) if language == "en" else (GERMAN_LABELS, DE_LINES)
    stats = replace(anna, open_by_stage=labels, own_open_by_stage=labels)
    text = numbers_reply(coach, stats, question, language).text
    return [label for label, line in lines.items() if line in text] or [text]


@pytest.mark.parametrize(
    ("question", "language", "stage"),
    [
        # a period, a verb, a name or any other word after a label that is no everyday word
        ("how many deals in negotiation Q4?", "en", "Negotiation/Review"),
        ("how many deals in negotiation q4?", "en", "Negotiation/Review"),
        ("how many deals in proposal including mine?", "en", "Proposal"),
        ("how many deals in negotiation incl. my own?", "en", "Negotiation/Review"),
        ("how many deals in commit Mike has?", "en", "Commit"),
        ("how many deals in negotiation exactly?", "en", "Negotiation/Review"),
        ("how many deals in commit qtd?", "en", "Commit"),
        ("how many deals in negotiation end of month?", "en", "Negotiation/Review"),
        ("how many deals are in negotiation among my reps?", "en", "Negotiation/Review"),
        ("how many deals in negotiation within my team?", "en", "Negotiation/Review"),
        ("how many deals in negotiation company-wide?", "en", "Negotiation/Review"),
        ("how many deals in commit close this month?", "en", "Commit"),
        ("how many deals in commit closed this month?", "en", "Commit"),
        ("how many deals in negotiation got stuck?", "en", "Negotiation/Review"),
        ("how many deals in negotiation got pushed?", "en", "Negotiation/Review"),
        ("how many deals in negotiation went quiet this month?", "en", "Negotiation/Review"),
        ("how many deals in negotiation came in during the last 30 days?", "en", "Negotiation/Review"),
        ("how many deals in Negotiation Acme?", "en", "Negotiation/Review"),
        ("how many deals in commit FY27?", "en", "Commit"),
        ("how many deals are in status negotiation?", "en", "Negotiation/Review"),
        ("how many deals at status Commit?", "en", "Commit"),
        # an everyday label ends its name at a period, a function word or punctuation
        ("how many deals in new this week?", "en", "New"),
        ("how many deals in new Q4?", "en", "New"),
        ("how many deals in new, please", "en", "New"),
        ("how many deals in new got stuck?", "en", "New"),
        ("how many deals are in the new stage?", "en", "New"),
        ("wie viele deals sind in verhandlung diese woche?", "de", "Verhandlung"),
        ("wie viele deals sind in verhandlung zurzeit?", "de", "Verhandlung"),
        ("wie viele deals stecken in der verhandlung fest?", "de", "Verhandlung"),
        ("wie viel Pipeline steckt im Angebot Stand heute?", "de", "Angebot"),
        ("wie viele Deals in Verhandlung Q4?", "de", "Verhandlung"),
        ("wie viele Deals sind in Verhandlung Ende des Monats?", "de", "Verhandlung"),
        ("wie viele Deals hängen im Abschluss rum?", "de", "Abschluss"),
        ("wie viele Deals hat Jana in Verhandlung?", "de", "Verhandlung"),
        ("wie viele Deals sind in Neu diese Woche?", "de", "Neu"),
        ("wie viele Deals sind in Neu KW48?", "de", "Neu"),
        ("wie viele Deals stecken in der Neu-Phase fest?", "de", "Neu"),
        # „im Status …“, „bei …“, „ins …“, „zur …“ name a stage too
        ("wie viele Deals sind im Status Verhandlung?", "de", "Verhandlung"),
        ("wie viele Deals liegen bei Verhandlung?", "de", "Verhandlung"),
        ("wie viele Deals sind ins Angebot gegangen?", "de", "Angebot"),
        ("wie viele Deals sind zur Verhandlung freigegeben?", "de", "Verhandlung"),
    ],
)
def test_a_stage_after_a_cue_is_named_whatever_follows(
    coach: Coach, anna: ManagerStats, question: str, language: Language, stage: str
) -> None:
    assert _stages_said(coach, anna, question, language) == [stage]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("how many deals in new york?", "en"),
        ("how many deals in New York and Boston?", "en"),
        ("how many deals in new business?", "en"),
        ("how much revenue is in new deals?", "en"),
        ("how many deals in the new pipeline?", "en"),
        # a joiner ends an everyday label's name only where another stage follows
        ("how many deals do we have in new vs existing business?", "en"),
        ("how many deals in new or existing accounts?", "en"),
        ("how many deals in new and expansion accounts?", "en"),
        # "a new stage" is a next stage, not the stage New
        ("how many deals moved to a new stage this week?", "en"),
        # „Neu“ as an adjective or the start of a longer name
        ("wie viele Deals sind in der neuen Phase?", "de"),
        ("wie viele Deals stehen in einer neuen Phase?", "de"),
        ("wie viele deals sind in neue phasen gewechselt?", "de"),
        ("wie viele Deals sind diese Woche in eine neue Phase gerutscht?", "de"),
        ("wie viele Deals haben wir in Neu oder Bestandskunden?", "de"),
        ("wie viele Deals haben wir in neuen Märkten?", "de"),
    ],
)
def test_an_everyday_label_as_an_adjective_or_starting_a_longer_name_names_no_stage(
    coach: Coach, anna: ManagerStats, question: str, language: Language
) -> None:
    said = _stages_said(coach, anna, question, language)

    lines = EN_LINES if language == "en" else DE_LINES
    everyday = "• New:" if language == "en" else "• Neu:"
    assert said[0] not in lines and everyday not in said[0], said
    assert "52" in said[0]  # answered as asked: the open deals, not one stage


@pytest.mark.parametrize(
    ("question", "language", "stages"),
    [
        # stages listed next to a named one are named with it
        ("deals in qualified and proposal", "en", ["Qualified", "Proposal"]),
        ("how many deals in new or qualified?", "en", ["New", "Qualified"]),
        ("deals in proposal, negotiation or commit", "en", ["Proposal", "Negotiation/Review", "Commit"]),
        ("wie viele Deals sind in Verhandlung oder im Angebot?", "de", ["Angebot", "Verhandlung"]),
        ("Deals in Neu und Angebot?", "de", ["Neu", "Angebot"]),
        # a label elsewhere in the question is not listed with the named stage
        ("how many deals in negotiation are new this month?", "en", ["Negotiation/Review"]),
        ("how many deals in proposal are still new?", "en", ["Proposal"]),
        ("wie viele neue Deals sind in Verhandlung?", "de", ["Verhandlung"]),
        ("wie viele Deals sind im Angebot und seit gestern neu?", "de", ["Angebot"]),
    ],
)
def test_only_stages_listed_next_to_a_named_one_are_named_with_it(
    coach: Coach, anna: ManagerStats, question: str, language: Language, stages: list[str]
) -> None:
    assert _stages_said(coach, anna, question, language) == stages


@pytest.mark.parametrize(
    ("question", "language", "note"),
    [
        # a figure kept for no stage, asked of a stage: the count is the team's, and the answer says so
        ("how many deals in negotiation haven't moved in 30 days?", "en", "Not filtered by stage"),
        ("wie viele Deals in Verhandlung sind ohne Aktivität?", "de", "Nicht nach Phase gefiltert"),
    ],
)
def test_a_stage_the_figure_cannot_be_filtered_by_is_said_not_applied(
    coach: Coach, anna: ManagerStats, question: str, language: Language, note: str
) -> None:
    labels = ENGLISH_LABELS if language == "en" else GERMAN_LABELS
    stats = replace(anna, open_by_stage=labels, own_open_by_stage=labels)

    text = numbers_reply(coach, stats, question, language).text

    assert note in text, text
    assert f"{stats.stale_deals} " in text, text  # the stale count, not the stage's open deals
