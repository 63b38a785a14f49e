"""Lesson retrieval (bot/coaching/retrieval.py): which lessons a question finds, and in what order.

A small library of its own, so each case shows one behaviour of the ranking, not the shipped lessons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import Stemmer

from bot.coaching import retrieval
from bot.coaching.analysis import STEMMER_NAMES, words
from bot.coaching.coach import focus_hits
from bot.coaching.goals import Goal
from bot.coaching.lessons import Condition, Lesson
from bot.coaching.ngrams import NgramIndex
from bot.coaching.retrieval import Hit, LessonIndex
from bot.coaching.vocabulary import Vocabulary
from bot.crm.base import ManagerStats, Owner
from bot.i18n import Language

NO_VOCABULARY = Vocabulary(concepts={}, topic_terms={}, words={}, keep={}, drop={})


def lesson(
    lesson_id: str,
    topic: str,
    title: str,
    asked_as: tuple[str, ...],
    *,
    language: Language = "en",
    triggers: tuple[Condition, ...] = (),
) -> Lesson:
    return Lesson(
        id=lesson_id,
        language=language,
        topic=topic,
        level=1,
        title=title,
        minutes=10,
        practice="Pick three deals in the CRM today.",
        reflection="What did you notice in the CRM?",
        body="Open the CRM with your team and look at the deals together.",
        metric="deals_without_next_step",
        goal=None,
        triggers=triggers,
        path=Path(f"{language}/{lesson_id}.md"),
        asked_as=asked_as,
    )


ENGLISH = [
    # The longest title: a word every lesson shares ("CRM") matches this one least.
    lesson(
        "forecast-honest",
        "forecasting",
        "An honest forecast, deal by deal, every single week",
        ("our forecast is always too optimistic",),
    ),
    lesson("next-step-verb", "next-steps", "A next step with a verb", ("our deals have no next step",)),
    lesson(
        "close-dates-clean",
        "data-quality",
        "Close dates that mean something",
        ("close dates in the past everywhere",),
        triggers=(Condition("overdue_close_dates", ">", 0),),
    ),
]
GERMAN = [
    lesson(
        "prognose-ehrlich",
        "forecasting",
        "Eine ehrliche Prognose, Deal für Deal, jede einzelne Woche",
        ("unsere prognose ist immer zu optimistisch",),
        language="de",
    ),
    lesson(
        "abschlusstermine",
        "data-quality",
        "Abschlusstermine, die stimmen, Deal für Deal, jede Woche neu",
        ("überall abschlusstermine in der vergangenheit",),
        language="de",
    ),
    lesson("naechster-schritt", "next-steps", "Ein Verb", ("kein nächster schritt",), language="de"),
]


def stats(*, overdue: int) -> ManagerStats:
    return ManagerStats(
        owner=Owner("o-1", "anna@example.com", "Anna"),
        team_size=3,
        open_deals=40,
        open_value=Decimal("100000"),
        currency="EUR",
        stale_deals=0,
        deals_without_next_step=0,
        overdue_close_dates=overdue,
        activities_7d_manager=2,
        activities_7d_team=30,
        won_90d=1,
        lost_90d=1,
        own_open_deals=5,
        own_open_value=Decimal("1000"),
        own_stale_deals=0,
        own_deals_without_next_step=0,
        own_overdue_close_dates=0,
        own_won_90d=0,
        own_lost_90d=0,
        stale_days=14,
        fetched_at=datetime(2026, 11, 23, tzinfo=UTC),
        source="Demo CRM",
    )


def ids(hits: list[Hit]) -> list[str]:
    return [hit.lesson.id for hit in hits]


def test_letter_ngrams_meet_a_misspelt_or_inflected_word() -> None:
    index = NgramIndex(["pipeline review", "forecast call", "Abschlusstermin"])

    assert index.similarity("pipline reveiw").argmax() == 0
    assert index.similarity("forcasst").argmax() == 1
    assert index.similarity("Abschlussterminen").argmax() == 2
    assert index.similarity("forecast call")[1] == pytest.approx(1.0)
    assert index.similarity("quokka").max() == 0.0


@pytest.mark.parametrize(
    ("language", "question", "meant"),
    [
        ("en", "crm forcasst", "forecast-honest"),
        ("en", "rosy forcassts in the crm", "forecast-honest"),
        ("de", "Prognosequalität im CRM", "prognose-ehrlich"),
        ("de", "Abschlussterminchaos im CRM", "abschlusstermine"),
    ],
)
def test_a_misspelt_word_or_an_unknown_compound_finds_its_lesson(
    language: Language, question: str, meant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = LessonIndex(ENGLISH if language == "en" else GERMAN, language, vocabulary=NO_VOCABULARY)

    assert ids(index.search(question, k=1)) == [meant]
    # Only "CRM" is a word the lessons share with the question; by words alone another lesson leads.
    monkeypatch.setattr(retrieval, "NGRAM_WEIGHT", 0.0)
    assert ids(index.search(question, k=1)) != [meant]


@pytest.mark.parametrize("question", ["quokka zebra", "asdf jkl"])
def test_a_question_with_no_word_in_common_ranks_the_askers_gaps_first(question: str) -> None:
    index = LessonIndex(ENGLISH, "en", vocabulary=NO_VOCABULARY)

    with_gap = index.search(question, k=3, stats=stats(overdue=4))
    without_gap = index.search(question, k=3, stats=stats(overdue=0))

    assert ids(with_gap)[0] == "close-dates-clean" and with_gap[0].addresses_gap
    assert ids(without_gap) == ["close-dates-clean", "forecast-honest", "next-step-verb"]  # level, then id
    assert all(hit.score == 0 for hit in with_gap + without_gap)  # the answer says nothing was found


def test_the_askers_gap_breaks_a_near_tie_but_does_not_bury_a_better_match() -> None:
    # Most lessons' triggers hold for most managers: a gap may not outweigh what the question says.
    library = [
        replace(ENGLISH[0], triggers=(Condition("overdue_close_dates", ">", 0),)),  # forecast-honest
        ENGLISH[1],
        replace(ENGLISH[2], triggers=()),  # close-dates-clean
    ]
    index = LessonIndex(library, "en", vocabulary=NO_VOCABULARY)
    question = "our forecast is always too optimistic, close dates in the past"
    scores = {hit.lesson.id: hit.score for hit in index.search(question, k=3)}
    assert scores["forecast-honest"] < scores["close-dates-clean"] < 1.1 * scores["forecast-honest"]

    hits = index.search(question, k=2, stats=stats(overdue=4))

    assert ids(hits) == ["close-dates-clean", "forecast-honest"] and hits[1].addresses_gap


def test_the_lessons_offered_after_the_lead_come_from_other_topics() -> None:
    lessons = [
        lesson("forecast-a", "forecasting", "A", ()),
        lesson("forecast-b", "forecasting", "B", ()),
        lesson("forecast-c", "forecasting", "C", ()),
        lesson("next-step-d", "next-steps", "D", ()),
        lesson("close-dates-e", "data-quality", "E", ()),
    ]
    ranked = [Hit(item, score, False) for item, score in zip(lessons, [3.0, 2.5, 2.0, 1.0, 0.0], strict=True)]

    offered = focus_hits(ranked, asked=None, stats=None)

    # The data-quality lesson matched nothing: it is not pulled ahead of a lesson that did.
    assert ids(offered) == ["forecast-a", "next-step-d", "forecast-b"]


def test_a_lesson_on_the_asked_metric_leads_unless_it_fits_the_question_far_worse() -> None:
    best = lesson("forecast-a", "forecasting", "A", ())
    same_topic = replace(lesson("forecast-stale-b", "forecasting", "B", ()), metric="stale_deals")
    close = replace(lesson("stale-b", "pipeline-review", "B", ()), metric="stale_deals")
    far = replace(lesson("stale-c", "data-quality", "C", ()), metric="stale_deals")

    of_the_topic = [Hit(best, 3.0, False), Hit(same_topic, 1.5, False), Hit(far, 0.3, False)]
    near_enough = [Hit(best, 3.0, False), Hit(close, 2.4, False), Hit(far, 0.3, False)]
    half_as_well = [Hit(best, 3.0, False), Hit(close, 1.5, False)]
    only_a_mention = [Hit(best, 3.0, False), Hit(far, 0.3, False)]

    # Asked about stale deals, a stale lesson of the best lesson's topic that fits half as well leads, so the
    # goal is on stale deals; one of another topic must fit nearly as well (a change of subject); one that
    # fits a tenth as well never: the question was about something else that mentions them.
    assert ids(focus_hits(of_the_topic, asked="stale_deals", stats=None))[0] == "forecast-stale-b"
    assert ids(focus_hits(near_enough, asked="stale_deals", stats=None))[0] == "stale-b"
    assert ids(focus_hits(half_as_well, asked="stale_deals", stats=None))[0] == "forecast-a"
    assert ids(focus_hits(only_a_mention, asked="stale_deals", stats=None))[0] == "forecast-a"


def test_of_the_lessons_on_the_asked_metric_the_one_of_the_best_lessons_topic_leads() -> None:
    best = lesson("one-on-one-a", "one-on-one", "A", ())
    mine = replace(lesson("personal-b", "personal-crm", "B", ()), metric="own_stale_deals")
    of_the_topic = replace(lesson("one-on-one-c", "one-on-one", "C", ()), metric="stale_deals")
    ranked = [Hit(best, 3.0, False), Hit(mine, 2.9, False), Hit(of_the_topic, 1.5, False)]

    # The personal lesson fits better and matches "own", but the question is about 1:1s.
    assert ids(focus_hits(ranked, asked="own_stale_deals", stats=None))[0] == "one-on-one-c"


def test_asked_about_their_own_number_a_lesson_with_a_goal_on_it_leads_from_less() -> None:
    # The best lesson sets no goal on stale deals (reflective); "my own deals haven't been touched" asks about
    # the manager's own ones, so a lesson of another topic with a goal on them leads from 0.4 of its score.
    best = lesson("personal-a", "personal-crm", "A", ())
    goal = Goal(change=-2, deadline_days=7)
    mine = replace(lesson("role-model-b", "role-model", "B", ()), metric="own_stale_deals", goal=goal)
    mine_reflective = replace(mine, id="role-model-c", goal=None)
    team = replace(mine, id="pipeline-d", topic="pipeline-review", metric="stale_deals")
    with_goal = [Hit(best, 3.0, False), Hit(mine, 1.5, False)]

    assert ids(focus_hits(with_goal, asked="own_stale_deals", stats=None))[0] == "role-model-b"
    # Not for the team's number, nor for a lesson without a goal, nor one that fits far worse.
    assert (
        ids(focus_hits([Hit(best, 3.0, False), Hit(team, 1.5, False)], asked="stale_deals", stats=None))[0]
        == "personal-a"
    )
    assert (
        ids(
            focus_hits(
                [Hit(best, 3.0, False), Hit(mine_reflective, 1.5, False)], asked="own_stale_deals", stats=None
            )
        )[0]
        == "personal-a"
    )
    assert (
        ids(focus_hits([Hit(best, 3.0, False), Hit(mine, 1.0, False)], asked="own_stale_deals", stats=None))[
            0
        ]
        == "personal-a"
    )
    # Nor when the best lesson already sets a goal on the asked number (a team one): its topic stays.
    on_it = replace(best, metric="stale_deals", goal=goal)
    assert (
        ids(focus_hits([Hit(on_it, 3.0, False), Hit(mine, 1.5, False)], asked="own_stale_deals", stats=None))[
            0
        ]
        == "personal-a"
    )


def test_a_lesson_that_lowers_a_count_either_way_leads_only_when_its_words_fit_nearly_as_well() -> None:
    # "we go through all 80 open deals in the review" names open deals, but a task that closes deals is an
    # answer to it only when the question's words fit that lesson nearly as well as the best one.
    best = lesson("review-a", "pipeline-review", "A", ())
    fewer = replace(
        lesson("review-prune-b", "pipeline-review", "B", ()),
        metric="open_deals",
        goal=Goal(change=-5, deadline_days=14),
    )
    more = replace(fewer, id="review-enter-c", goal=Goal(change=3, deadline_days=14))

    def lead(second: Lesson, score: float) -> str:
        return ids(
            focus_hits([Hit(best, 3.0, False), Hit(second, score, False)], asked="open_deals", stats=None)
        )[0]

    assert lead(fewer, 2.7) == "review-prune-b"
    assert lead(fewer, 2.1) == "review-a"
    # A lesson that adds deals keeps the floor of the best lesson's topic (as before any lesson lowered it).
    assert lead(more, 1.5) == "review-enter-c"


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_two_concepts_of_the_shipped_vocabulary_claim_the_same_term(language: Language) -> None:
    # Terms meet by their stems, and the first concept to claim a stem keeps it: a term that stems like
    # another concept's ("leader" and "Leads" are both "lead" in German) silently means that concept.
    stemmer = Stemmer.Stemmer(STEMMER_NAMES[language])
    claimed: dict[tuple[str, ...], str] = {}
    clashes = []
    for concept, terms in Vocabulary.load().concepts.items():
        for term in terms:
            stems = tuple(stemmer.stemWords(words(term)))
            owner = claimed.setdefault(stems, concept)
            if owner != concept:
                clashes.append(f"{term!r} of {concept} stems like a term of {owner}")

    assert clashes == []
