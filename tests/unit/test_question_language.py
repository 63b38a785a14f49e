"""The answer's language: the question's when it is clearly German or English, else the profile's."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from bot.cli import main
from bot.coaching.coach import Coach
from bot.coaching.language import answer_language, detect_language


@pytest.mark.parametrize(
    "question",
    [
        "Wie wird mein Forecast genauer?",
        "Pipeline Review wie?",
        "Verkaufschancen ohne Wiedervorlage",
        "hab diese woche kaum was eingetragen",
        "Soll ich im 1:1 alle Deals durchgehen?",
        "meine reps loggen keine calls, any idea",
        "wie kriege ich mein team dazu, die next steps zu pflegen, any tips?",
    ],
)
def test_clearly_german_questions(question: str) -> None:
    assert detect_language(question) == "de"
    assert answer_language(question, profile="en") == "de"


@pytest.mark.parametrize(
    "question",
    [
        "How do I make my forecast more accurate?",
        "pipeline review how?",
        "my reps never log their calls",
        "should I go through every deal in a 1:1?",
        "how do I get my reps to keep their pipeline sauber before the review",
        "next step for Verein für Sport und Kultur?",
    ],
)
def test_clearly_english_questions(question: str) -> None:
    assert detect_language(question) == "en"
    assert answer_language(question, profile="de") == "en"


@pytest.mark.parametrize(
    "question",
    [
        # a German clause of the writer's own, then an English sentence or phrase
        "ich hab keine ahnung, what should I do",
        "meine leute loggen nix. any ideas?",
        "kurze frage: how do I set a good next step?",
        "mein chef fragt: why is the forecast always wrong?",
        "ich brauch hilfe. The team ignores the CRM completely.",
        "wie geht das, can you help me?",
        # chat and dialect words the stopword lists lack
        "i hob ka zeit fürs crm, tipps?",
        "vllt iwie bissl viel overdue grad",
        # typed without umlauts
        "koennen wir ueber die pipeline reden",
    ],
)
def test_german_the_detector_used_to_miss(question: str) -> None:
    assert answer_language(question, profile="en") == "de"


@pytest.mark.parametrize(
    "question",
    [
        # German nouns and names inside English
        "any tips for selling to a Geschäftsführer?",
        "how do I log a call with Bürgermeister Fischer?",
        "I need a Zusammenfassung of my pipeline",
        "what's the next step for the deal with Müller GmbH?",
        "our Mittelstand customers never reply, any tips?",
        "the deal with Schröder und Partner is stale, what now?",
        "our customer Mueller fuer Bau has no next step",
        # a German quotation, a greeting, or German-looking English words in an English message
        'the customer said "das ist zu teuer", how do I respond?',
        "Guten Morgen, how do I prepare the forecast?",
        "danke for the help, how do I set next steps?",
        "die hard customers, how do I keep them?",
        "how do I coach a new grad, any tips?",
        "man, my reps never log anything",
    ],
)
def test_english_with_german_words_stays_english(question: str) -> None:
    assert detect_language(question) == "en"
    assert answer_language(question, profile="de") == "en"


@pytest.mark.parametrize(
    "question", ["CRM", "1:1?", "KPI", "ok", "???", "", "jjjjjjj", "jjjjjj ...", "xxxxx 12 ppp"]
)
def test_too_short_to_tell_falls_back_to_the_profile(question: str) -> None:
    assert detect_language(question) is None
    assert answer_language(question, profile="de") == "de"
    assert answer_language(question, profile="en") == "en"


def test_the_coach_answers_a_german_question_in_german_for_an_english_profile(coach: Coach) -> None:
    answer = coach.answer(
        "Unsere Prognosegenauigkeit ist miserabel, was tun?", language="en", stats=None, offline=True
    )

    assert answer.language == "de"
    assert all(lesson.language == "de" for lesson in answer.lessons)
    assert answer.lessons[0].topic == "forecasting"
    assert "*Übung für diese Woche*" in answer.text


def test_the_coach_answers_an_english_question_in_english_for_a_german_profile(coach: Coach) -> None:
    answer = coach.answer("our close dates are all in the past", language="de", stats=None, offline=True)

    assert answer.language == "en"
    assert answer.lessons[0].id == "data-quality-past-close-dates"
    assert "*Practice this week*" in answer.text


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("locale", "message"),
    [("de", "jjjjjjj"), ("en", "asdfjkl;; qweqwe"), ("en", "lkjh ölkj äää"), ("de", "x9#kk ,,, ))) 7")],
)
def test_gibberish_is_answered_in_the_profiles_language(
    seeded: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    locale: str,
    message: str,
) -> None:
    # the language detector reads "asdfjkl;; qweqwe" as German: gibberish is written in no language
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))

    code = main(["ask", "--json", "--locale", locale, "--user", "anna.berger@example.com", message])

    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and (answer["kind"], answer["language"]) == ("gibberish", locale)
    assert answer["lessons"] == [] and answer["goal"] is None
