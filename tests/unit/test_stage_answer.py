"""Reading a question for stages (the manager's own labels, whole words, any case; the breakdown terms)
and what the answer says where the numbers have no stages or several currencies."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from bot.coaching.coach import Coach
from bot.coaching.stage_numbers import read_stages
from bot.crm.base import CurrencyTotal, ManagerStats, StageTotal
from bot.crm.codec import stats_from_json, stats_to_json
from bot.i18n import Language
from bot.render.replies import Answer, answer_message
from tests.helpers import all_text, numbers_reply


@pytest.mark.parametrize(
    ("question", "language", "labels", "own"),
    [
        ("how many deals are in NEGOTIATION?", "en", ("Negotiation",), False),
        ("deals in proposal or negotiation?", "en", ("Proposal", "Negotiation"), False),
        ("pipeline by stage", "en", (), False),
        ("my own deals per stage", "en", (), True),
        ("Deals pro Phase im Team", "de", (), False),
        ("meine Deals nach Phase", "de", (), True),
        ("wie viele Deals sind in commit?", "de", ("Commit",), False),
    ],
)
def test_stages_are_read_from_the_managers_labels_and_the_breakdown_terms(
    anna: ManagerStats, question: str, language: Language, labels: tuple[str, ...], own: bool
) -> None:
    ask = read_stages(question, language, anna)

    assert ask is not None
    assert (ask.labels, ask.own) == (labels, own)


@pytest.mark.parametrize(
    "question",
    [
        "how many open deals do we have?",
        "how committed is my team to the forecast numbers?",  # "committed" is no "Commit"
        "what is in our proposals?",  # nor "proposals" "Proposal"
        "wie viele Deals sind überfällig?",
    ],
)
def test_a_question_naming_no_stage_asks_for_none(anna: ManagerStats, question: str) -> None:
    assert read_stages(question, "en", anna) is None


def test_numbers_without_stages_get_the_overview_and_say_why(coach: Coach, anna: ManagerStats) -> None:
    older = replace(anna, open_by_stage=(), own_open_by_stage=())

    answer = numbers_reply(coach, older, "pipeline by stage")

    assert "hasn't told me the stages of these deals" in answer.text
    assert f"{anna.open_deals} open deals" in answer.text  # the overview, with the deal count
    assert all(fact.stage is None for fact in answer.numbers)


def test_numbers_without_stages_show_the_listed_deal_names_as_written_in_slack(
    coach: Coach, anna: ManagerStats
) -> None:
    """The overview lists the deals worth a look: their names keep their underscores, not italics."""
    first, *rest = anna.attention
    named = replace(
        anna, open_by_stage=(), own_open_by_stage=(), attention=(replace(first, name="Q4_Renewal_EU"), *rest)
    )

    answer = numbers_reply(coach, named, "pipeline by stage")
    posted = all_text(answer_message(Answer(answer.text, answer.source, "en", "numbers", answer.quoted)))

    assert "hasn't told me the stages of these deals" in answer.text
    assert "Q4ˍRenewalˍEU" in posted
    assert "Q4_Renewal_EU" not in posted


def test_stage_labels_are_shown_as_the_crm_writes_them_in_slack(coach: Coach, anna: ManagerStats) -> None:
    """A stage label with underscores ("Proposal_Sent", as some pipelines name them) is not italics."""
    first, *rest = anna.open_by_stage
    named = replace(anna, open_by_stage=(replace(first, stage="Proposal_Sent_EU"), *rest))

    answer = numbers_reply(coach, named, "pipeline by stage")
    posted = all_text(answer_message(Answer(answer.text, answer.source, "en", "numbers", answer.quoted)))

    assert "Proposal_Sent_EU" in answer.text
    assert "ProposalˍSentˍEU" in posted and "Proposal_Sent_EU" not in posted


@pytest.mark.parametrize(
    ("question", "language", "said"),
    [
        ("pipeline by stage", "en", "I couldn't read the stage names from"),
        ("Deals pro Phase?", "de", "Die Phasennamen konnte ich gerade nicht aus"),
    ],
)
def test_unread_stage_names_are_said_and_no_stage_is_listed(
    coach: Coach, anna: ManagerStats, question: str, language: Language, said: str
) -> None:
    """The CRM refused its stage settings: the stats come back through the cache, and the answer says
    the names could not be read rather than blaming missing stages or listing ids."""
    refused = stats_from_json(
        json.loads(
            json.dumps(
                stats_to_json(replace(anna, open_by_stage=(), own_open_by_stage=(), stage_names_unread=True))
            )
        )
    )
    assert refused is not None and refused.stage_names_unread

    answer = numbers_reply(coach, refused, question, language)

    assert said in answer.text
    assert "hasn't told me" not in answer.text and "nicht genannt" not in answer.text
    assert all(fact.stage is None for fact in answer.numbers)


def test_values_in_other_currencies_are_counted_not_added(coach: Coach, anna: ManagerStats) -> None:
    stats = replace(
        anna,
        open_by_stage=(StageTotal("Negotiation", 3, Decimal(50_000)),),
        other_open_values=(CurrencyTotal("USD", Decimal(9_000), 1),),
    )

    english = numbers_reply(coach, stats, "deals by stage?").text
    german = numbers_reply(coach, stats, "Deals pro Phase?", "de").text

    assert "• Negotiation: 3 open deals, €50,000" in english
    assert "The values add up the deals in EUR only" in english
    assert "• Negotiation: 3 offene Deals, 50.000\xa0€" in german
    assert "in other currencies are in the counts but not in the values" in english
    assert "Die Werte summieren nur Deals in EUR" in german
    assert "in der Anzahl enthalten, aber nicht im Wert" in german


def test_a_stage_without_value_shows_its_count(coach: Coach, anna: ManagerStats) -> None:
    stats = replace(anna, open_by_stage=(StageTotal("Discovery", 1, Decimal(0)),))

    answer = numbers_reply(coach, stats, "how many deals in discovery?")

    assert "• Discovery: 1 open deal\n" in answer.text + "\n"
    assert [(f.name, f.stage, f.value) for f in answer.numbers] == [
        ("open_deals", "Discovery", 1),
        ("open_value", "Discovery", 0),
    ]


def test_a_long_pipeline_lists_the_stages_with_deals_and_names_the_rest(
    coach: Coach, anna: ManagerStats
) -> None:
    """Many pipelines make many stages: stages without deals go first, then the rest is counted, so the
    answer fits one Slack section."""
    many = tuple(StageTotal(f"Stage {n:02}", n % 2, Decimal(1_000 * (n % 2))) for n in range(60))
    stats = replace(anna, open_by_stage=many)

    english = numbers_reply(coach, stats, "pipeline by stage").text
    german = numbers_reply(coach, stats, "Deals pro Phase", "de").text

    listed = [row for row in english.splitlines() if row.startswith("• Stage ")]
    assert listed == [f"• Stage {n:02}: 1 open deal, €1,000" for n in range(1, 51, 2)]
    assert "…and 5 more stages with 5 open deals; the pipeline view in Demo CRM shows them." in english
    assert "…und 5 weitere Phasen mit 5 offenen Deals" in german
    assert len(english) < 3_000
    # the deals in no stage are a line like the stages, before the count of the rest
    tail = english.split("• Stage 49: 1 open deal, €1,000\n")[1]
    assert tail.startswith("• (no stage): 22 open deals, €3,984,000\n…and 5 more stages"), tail


def test_one_stage_beyond_the_lines_is_named_with_its_deals(coach: Coach, anna: ManagerStats) -> None:
    many = tuple(StageTotal(f"Stage {n:02}", 2, Decimal(2_000)) for n in range(26))
    stats = replace(anna, open_by_stage=many)

    english = numbers_reply(coach, stats, "pipeline by stage").text
    german = numbers_reply(coach, stats, "Deals pro Phase", "de").text

    assert "…and 1 more stage with 2 open deals; the pipeline view in Demo CRM shows it." in english
    assert "…und 1 weitere Phase mit 2 offenen Deals; die Pipeline-Ansicht in Demo CRM zeigt sie." in german


def test_stage_values_above_the_open_value_are_logged_not_shown_as_negative(
    coach: Coach, anna: ManagerStats, caplog: pytest.LogCaptureFixture
) -> None:
    """Stage totals a CRM reports above its open value leave no negative "(no stage)" value."""
    stats = replace(anna, own_open_by_stage=(StageTotal("Negotiation", 3, Decimal(5_000_000)),))

    text = numbers_reply(coach, stats, "my own deals per stage").text

    assert "• (no stage): 9 open deals\n" in text
    assert "stage values exceed the open value by 4097500" in caplog.text


EVERYDAY_LABELS = (
    StageTotal("New", 4, Decimal(40_000)),
    StageTotal("Open", 2, Decimal(20_000)),
    StageTotal("Negotiation/Review", 3, Decimal(90_000)),
    StageTotal("Closed", 5, Decimal(0)),
)


@pytest.mark.parametrize(
    ("question", "stated", "not_stated"),
    [
        # a label that is an everyday word names no stage without a cue: the figure asked for is answered
        ("how many open deals do I have?", "You own 12 open deals", "• Open:"),
        ("how many new deals do we have?", "52 open deals", "• New:"),
        # the vendors' labels with a part before "/" are named by that part, with a cue
        ("how many deals are in negotiation?", "• Negotiation/Review: 3 open deals", "• New:"),
        ("how many deals are in the New stage?", "• New: 4 open deals", "• Negotiation/Review"),
        # a label starting a longer name after "in" names no stage; written as a stage, it does
        ("how many deals in new york?", "52 open deals", "• New:"),
        ("how many deals in New York?", "52 open deals", "• New:"),
        ("how many deals do we have in new markets this quarter?", "52 open deals", "• New:"),
        ("how many deals in new?", "• New: 4 open deals", "• Negotiation/Review"),
        ("how many new deals are in negotiation?", "• Negotiation/Review: 3 open deals", "• New:"),
        ("deals in negotiation over 50k?", "• Negotiation/Review: 3 open deals", "• New:"),
        ("deals in Negotiation Review", "• Negotiation/Review: 3 open deals", "• New:"),
    ],
)
def test_a_stage_is_named_only_as_a_stage(
    coach: Coach, anna: ManagerStats, question: str, stated: str, not_stated: str
) -> None:
    stats = replace(anna, open_by_stage=EVERYDAY_LABELS, own_open_by_stage=EVERYDAY_LABELS)

    text = numbers_reply(coach, stats, question).text

    assert stated in text and not_stated not in text, text


GERMAN_LABELS = (
    StageTotal("Neu", 4, Decimal(40_000)),
    StageTotal("Angebot", 2, Decimal(30_000)),
    StageTotal("Verhandlung", 3, Decimal(90_000)),
)


@pytest.mark.parametrize(
    ("question", "stated", "not_stated"),
    [
        ("Deals in Phase Angebot", ["• Angebot: 2 offene Deals, 30.000"], ["• Verhandlung", "• Neu"]),
        ("Deals im Angebot?", ["• Angebot: 2 offene Deals"], ["• Verhandlung", "• Neu"]),
        ("wie viele Deals sind in der Angebotsphase?", ["• Angebot: 2 offene Deals"], ["• Verhandlung"]),
        ("was liegt in der Verhandlungsphase?", ["• Verhandlung: 3 offene Deals"], ["• Angebot"]),
        ("Deals in Verhandlungen?", ["• Verhandlung: 3 offene Deals"], ["• Angebot"]),
        (
            "wie viele Deals stecken in der Verhandlungsphase und im Angebot?",
            ["• Angebot: 2 offene Deals", "• Verhandlung: 3 offene Deals"],
            ["• Neu"],
        ),
        # everyday words stay everyday words: the overview answers
        ("wie viele Angebote habe ich offen?", ["52 offene Deals"], ["• Angebot"]),
        ("wie viele Deals sind in der Angebotserstellung?", ["52 offene Deals"], ["• Angebot"]),
        ("wie viele Deals haben wir in neuen Märkten?", ["52 offene Deals"], ["• Neu"]),
        ("wie viele Deals sind in Verhandlungsgeschick-Trainings?", ["52 offene Deals"], ["• Verhandlung"]),
    ],
)
def test_german_stage_words_name_a_stage_and_everyday_words_do_not(
    coach: Coach, anna: ManagerStats, question: str, stated: list[str], not_stated: list[str]
) -> None:
    """German glues the stage word to the label („Angebotsphase“, with the joining s) and bends it
    („Verhandlungen“); compounds of other words name no stage."""
    stats = replace(anna, open_by_stage=GERMAN_LABELS, own_open_by_stage=GERMAN_LABELS)

    text = numbers_reply(coach, stats, question, "de").text

    assert all(line in text for line in stated), text
    assert not any(line in text for line in not_stated), text


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("what are the 3 biggest deals in negotiation?", "The 3 biggest open deals"),  # the ranking, as asked
        (
            "stale deals by stage",
            "had no activity for 14+ days",
        ),  # by stage: open deals only; the figure asked
    ],
)
def test_a_ranking_or_another_figure_is_answered_as_asked_not_as_stages(
    coach: Coach, anna: ManagerStats, question: str, stated: str
) -> None:
    stats = replace(anna, open_by_stage=EVERYDAY_LABELS)

    text = numbers_reply(coach, stats, question).text

    assert stated in text and "• Negotiation/Review" not in text, text


def test_open_deals_in_no_stage_are_a_line_of_their_own(coach: Coach, anna: ManagerStats) -> None:
    """Deals the CRM gives no stage are in the open deals but in no stage line: the breakdown says how
    many, so its lines add up; a pipeline whose deals all have a stage gets no such line."""
    own = (StageTotal("Negotiation", 3, Decimal(90_000)),)
    stats = replace(anna, own_open_by_stage=own)
    assert (anna.own_open_deals, anna.own_open_value) == (12, Decimal(902_500))

    answer = numbers_reply(coach, stats, "my own deals per stage")
    english = answer.text
    german = numbers_reply(coach, stats, "meine Deals nach Phase", "de").text
    team = numbers_reply(coach, anna, "pipeline by stage").text

    assert "• Negotiation: 3 open deals, €90,000\n• (no stage): 9 open deals, €812,500" in english
    stated = [(fact.metric, fact.stage, fact.value) for fact in answer.numbers]
    assert ("own_open_deals", "", 9) in stated and ("own_open_value", "", 812_500) in stated
    assert "• (ohne Phase): 9 offene Deals, 812.500" in german
    assert sum(total.deals for total in anna.open_by_stage) == anna.open_deals
    assert "(no stage)" not in team


@pytest.mark.parametrize(
    ("question", "language", "line"),
    [
        (
            "how many deals have no stage?",
            "en",
            "by stage in your team*\n• (no stage): 49 open deals, €3,924,000\n\n",
        ),
        (
            "my deals without a stage",
            "en",
            "*Your open deals by stage*\n• (no stage): 9 open deals, €812,500\n\n",
        ),
        (
            "wie viele Deals sind ohne Phase?",
            "de",
            "in deinem Team*\n• (ohne Phase): 49 offene Deals, 3.924.000",
        ),
        ("wie viele Deals haben keine Phase?", "de", "• (ohne Phase): 49 offene Deals, 3.924.000"),
    ],
)
def test_the_deals_in_no_stage_are_answered_alone_when_asked_for(
    coach: Coach, anna: ManagerStats, question: str, language: Language, line: str
) -> None:
    stats = replace(anna, open_by_stage=(StageTotal("Negotiation", 3, Decimal(90_000)),))
    stats = replace(stats, own_open_by_stage=stats.open_by_stage)

    text = numbers_reply(coach, stats, question, language).text

    assert line in text and "• Negotiation" not in text and "• Verhandlung" not in text, text


def test_no_deals_in_no_stage_is_said_and_a_stage_change_is_no_such_question(
    coach: Coach, anna: ManagerStats
) -> None:
    english = numbers_reply(coach, anna, "how many deals have no stage?").text
    german = numbers_reply(coach, anna, "wie viele Deals sind ohne Phase?", "de").text
    stale = numbers_reply(coach, anna, "how many deals had no stage change in 30 days?").text

    assert "• (no stage): 0 open deals" in english and "• (ohne Phase): 0 offene Deals" in german
    assert "(no stage)" not in stale and "52 open deals" in stale
