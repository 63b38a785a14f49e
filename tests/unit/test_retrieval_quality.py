"""Retrieval quality on labelled manager questions, every topic, both languages.

Two sets: a small one written by the team (close to the lessons' wording, a smoke test), and the DEV half
of the blind evaluation set (benchmarks/coaching_eval/questions.yaml), which is what retrieval is tuned
on. The test half is never read here: it is for reporting (benchmarks/coaching_eval.py).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coaching.coach import Coach
from bot.coaching.lessons import SAFE_LOADER, TOPICS
from bot.i18n import Language

EVAL_SET = Path(__file__).resolve().parents[2] / "benchmarks" / "coaching_eval" / "questions.yaml"
# Floors a little under what retrieval reaches on the dev half, so a regression fails (figures: report).
# The first batch (ids en-001…, de-001…) keeps the floors it was tuned to; the whole dev half, with the
# second blind batch (en-5001…, de-5001…), has its own, lower ones: that batch was written later and
# measured before any tuning on it (then: top-1 en 63 %, de 60 %). Batches 6 and 7 count in "all" only.
# Reached 2026-11-30 (without numbers): first batch top-1 en 88 %, de 96 %; all dev en 89 %, de 92 %,
# top-3 98-100 %.
DEV_TOP1_FLOOR = 0.85
DEV_TOP3_FLOOR = 0.95
ALL_DEV_TOP1_FLOOR = 0.85
ALL_DEV_TOP3_FLOOR = 0.95
FIRST_BATCH_ID = re.compile(r"(en|de)-\d{3}")

# (language, question, expected topic). Written from how managers ask, not from lesson wording.
LABELLED: list[tuple[Language, str, str]] = [
    ("en", "My reps still keep their deals in Excel, how do I get them into the CRM?", "adoption"),
    ("en", "How do I run a small workshop so my team actually uses the system?", "adoption"),
    ("en", "Why should I update my own opportunities if I'm the boss?", "role-model"),
    ("en", "How can I lead by example with the CRM?", "role-model"),
    ("en", "How should I structure our weekly pipeline review meeting?", "pipeline-review"),
    ("en", "Our pipeline review takes two hours, how do I make it shorter?", "pipeline-review"),
    ("en", "How do I use the CRM in my one-on-one with a sales rep?", "one-on-one"),
    ("en", "What should I look at before a 1:1 with my team member?", "one-on-one"),
    ("en", "How do I write a good next step for a deal?", "next-steps"),
    ("en", "Half my deals have no next step, what do I do?", "next-steps"),
    ("en", "Our CRM data is full of errors and old close dates", "data-quality"),
    ("en", "Which fields must always be filled in and correct?", "data-quality"),
    ("en", "How do I get my team to log calls and meetings?", "activity-logging"),
    ("en", "Nobody writes notes after customer meetings", "activity-logging"),
    ("en", "How do I make my sales forecast more accurate?", "forecasting"),
    ("en", "My forecast is always too optimistic", "forecasting"),
    ("en", "How do I use the CRM to build relationships with key customers?", "relationship-management"),
    ("en", "We only know one contact per account, is that a problem?", "relationship-management"),
    ("en", "Which dashboard should I look at every week?", "dashboards"),
    ("en", "We have too many reports and charts nobody uses", "dashboards"),
    ("en", "Can I use CRM habits for my personal goals?", "personal-crm"),
    ("en", "How do I keep track of my own professional network?", "personal-crm"),
    ("en", "I'm new to the CRM, where do I start?", "getting-started"),
    ("en", "What are the first steps for a newcomer in the CRM?", "getting-started"),
    ("de", "Mein Team pflegt die Deals immer noch in Excel-Listen, wie bekomme ich sie ins CRM?", "adoption"),
    ("de", "Wie mache ich einen kleinen Workshop, damit das Team das CRM wirklich nutzt?", "adoption"),
    ("de", "Warum soll ich als Chef meine eigenen Deals pflegen?", "role-model"),
    ("de", "Wie gehe ich beim CRM mit gutem Beispiel voran?", "role-model"),
    ("de", "Wie strukturiere ich unser wöchentliches Pipeline-Review?", "pipeline-review"),
    ("de", "Unsere Pipelinebesprechung dauert ewig, wie wird sie kürzer?", "pipeline-review"),
    ("de", "Wie nutze ich das CRM im Einzelgespräch mit meinen Verkäufern?", "one-on-one"),
    ("de", "Worauf soll ich vor einem 1:1 mit meinem Teammitglied schauen?", "one-on-one"),
    ("de", "Wie formuliere ich einen guten nächsten Schritt?", "next-steps"),
    ("de", "Die Hälfte meiner Deals hat keinen nächsten Schritt, was tun?", "next-steps"),
    ("de", "Unsere CRM-Daten sind voller Fehler und alter Abschlusstermine", "data-quality"),
    ("de", "Welche Felder müssen immer ausgefüllt und richtig sein?", "data-quality"),
    ("de", "Wie bringe ich mein Team dazu, Anrufe und Termine zu erfassen?", "activity-logging"),
    ("de", "Niemand schreibt nach Kundenterminen Notizen", "activity-logging"),
    ("de", "Wie wird mein Forecast genauer?", "forecasting"),
    ("de", "Meine Prognose ist immer zu optimistisch", "forecasting"),
    ("de", "Wie nutze ich das CRM für die Beziehung zu Schlüsselkunden?", "relationship-management"),
    ("de", "Wir kennen pro Kunde nur einen Ansprechpartner, ist das ein Problem?", "relationship-management"),
    ("de", "Welches Dashboard soll ich jede Woche anschauen?", "dashboards"),
    ("de", "Wir haben zu viele Berichte und Diagramme, die keiner nutzt", "dashboards"),
    ("de", "Kann ich CRM-Gewohnheiten für meine persönlichen Ziele nutzen?", "personal-crm"),
    ("de", "Wie behalte ich mein eigenes berufliches Netzwerk im Blick?", "personal-crm"),
    ("de", "Ich bin neu im CRM, womit fange ich an?", "getting-started"),
    ("de", "Was sind die ersten Schritte für Neue im CRM?", "getting-started"),
]
TOP3_THRESHOLD = 0.9
TOP1_THRESHOLD = 0.8

# Situations told in a manager's everyday words, none of them a lesson's: the vocabulary's concepts (end of
# the week, chat tools, knowledge kept in someone's head, correcting others' data, records entered twice)
# tie them to their topic. Written for this test, not taken from the evaluation set.
SITUATIONS: list[tuple[Language, str, str]] = [
    (
        "en",
        "Is there a good ritual for the end of the week to go through the opportunities I own?",
        "personal-crm",
    ),
    ("en", "Friday afternoons I'd like 15 minutes to go over my own pipeline. How?", "personal-crm"),
    (
        "en",
        "Half my day is slack pings to reps asking where a deal stands. Is that a bad example?",
        "role-model",
    ),
    ("en", "I text my sellers for deal status instead of looking in the CRM. Should I stop?", "role-model"),
    ("en", "Our number one seller keeps every deal in her head and refuses to enter them", "adoption"),
    ("en", "Every Sunday I sit there correcting close dates and amounts for my reps", "data-quality"),
    ("en", "Is it my job to tidy up the team's records by hand?", "data-quality"),
    ("en", "Some accounts seem to be in the crm twice, owned by different sellers", "data-quality"),
    (
        "de",
        "Welche Routine zum Ende der Woche hilft mir, meine eigenen Deals im Griff zu behalten?",
        "personal-crm",
    ),
    (
        "de",
        "Freitagnachmittag will ich eine Viertelstunde meine eigene Pipeline durchsehen. Wie?",
        "personal-crm",
    ),
    (
        "de",
        "Ich frage meine Verkäufer ständig per WhatsApp nach dem Stand ihrer Deals. Schlechtes Vorbild?",
        "role-model",
    ),
    ("de", "Unsere Nummer 1 im Vertrieb hat alle Kunden nur im Kopf und trägt nichts ein", "adoption"),
    ("de", "Jeden Sonntag korrigiere ich Beträge und Abschlusstermine meiner Leute", "data-quality"),
    ("de", "Manche Firmen gibt es zweimal im CRM, jeweils bei einem anderen Verkäufer", "data-quality"),
]


def test_the_labelled_set_covers_every_topic_in_both_languages() -> None:
    for language in ("en", "de"):
        assert {topic for lang, _, topic in LABELLED if lang == language} == set(TOPICS)


@pytest.mark.parametrize("language", ["en", "de"])
def test_retrieval_finds_the_right_topic(coach: Coach, language: Language) -> None:
    cases = [(question, topic) for lang, question, topic in LABELLED if lang == language]
    top1 = top3 = 0
    misses = []
    for question, topic in cases:
        answer = coach.answer(question, language=language, stats=None, offline=True)
        topics = [lesson.topic for lesson in answer.lessons[:3]]
        top1 += topics[:1] == [topic]
        top3 += topic in topics
        if topic not in topics:
            misses.append(f"{question!r}: expected {topic}, got {topics}")

    assert top3 / len(cases) >= TOP3_THRESHOLD, "\n".join(misses)
    assert top1 / len(cases) >= TOP1_THRESHOLD, f"top-1 {top1}/{len(cases)}"


@pytest.mark.parametrize(("language", "question", "topic"), SITUATIONS)
def test_a_situation_told_in_everyday_words_finds_its_topic(
    coach: Coach, language: Language, question: str, topic: str
) -> None:
    answer = coach.answer(question, language=language, stats=None, offline=True)

    assert answer.language == language
    assert answer.lessons[0].topic == topic, [lesson.id for lesson in answer.lessons]


# Words a situation concept holds that also mean something else ("correct" = accurate): the other meaning
# must not pull the question to that concept's lesson.
OTHER_MEANINGS: list[tuple[Language, str, str]] = [
    ("en", "Is our forecast correct?", "forecasting"),
    ("en", "How do I make my one-on-ones more effective? Is weekly the correct rhythm?", "one-on-one"),
    ("en", "How do I correct a rep who keeps sandbagging the forecast?", "forecasting"),
    ("de", "Wie korrigiere ich meinen Forecast, wenn die Reps zu optimistisch sind?", "forecasting"),
    ("en", "what's the correct way to prep for a quarterly forecast call with my VP", "forecasting"),
]


@pytest.mark.parametrize(("language", "question", "topic"), OTHER_MEANINGS)
def test_a_word_used_in_its_other_meaning_does_not_pull_to_the_concepts_lesson(
    coach: Coach, language: Language, question: str, topic: str
) -> None:
    answer = coach.answer(question, language=language, stats=None, offline=True)

    assert answer.lessons[0].topic == topic, [lesson.id for lesson in answer.lessons]


@cache  # read once per process (the tests only read the items)
def dev_coaching_items() -> tuple[dict[str, Any], ...]:
    items = yaml.load(EVAL_SET.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return tuple(item for item in items if item["split"] == "dev" and item["kind"] == "coaching")


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    ("batch", "top1_floor", "top3_floor"),
    [("first", DEV_TOP1_FLOOR, DEV_TOP3_FLOOR), ("all", ALL_DEV_TOP1_FLOOR, ALL_DEV_TOP3_FLOOR)],
)
def test_retrieval_on_the_blind_dev_questions(
    coach: Coach, language: Language, batch: str, top1_floor: float, top3_floor: float
) -> None:
    cases = [
        item
        for item in dev_coaching_items()
        if item["language"] == language and (batch == "all" or FIRST_BATCH_ID.fullmatch(item["id"]))
    ]
    top1 = top3 = 0
    for item in cases:
        answer = coach.answer(item["text"], language=item["profile"], stats=None, offline=True)
        topics = [lesson.topic for lesson in answer.lessons[:3]]
        top1 += topics[:1] == [item["topic"]]
        top3 += item["topic"] in topics

    assert len(cases) >= 40
    assert top3 / len(cases) >= top3_floor, f"top-3 {top3}/{len(cases)}"
    assert top1 / len(cases) >= top1_floor, f"top-1 {top1}/{len(cases)}"


def test_dev_questions_are_answered_in_the_language_they_are_written_in(coach: Coach) -> None:
    items = [item for item in dev_coaching_items() if item["profile"] != item["language"]]
    answers = {item["id"]: coach.answer(item["text"], language=item["profile"], stats=None) for item in items}

    assert items
    assert {key: answer.language for key, answer in answers.items()} == {
        item["id"]: item["language"] for item in items
    }
