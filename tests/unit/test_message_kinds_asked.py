"""What the manager sees for the kinds of message the coach used to misread (issue 9): the kind of the
answer and whether it sets a goal, through `crmcoach ask --json`, in English and German. Each case is
a class of message, worded here (no evaluation item, no training example)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from bot.coaching.asked import family_of
from tests.helpers import ask_json, eval_items, text_key

ANNA = "anna.berger@example.com"
AFTER_LESSON = "next-steps-customer-agreed"

# (message, kind, goal): goal is the metric family the goal must be on, "none" for no goal, "any" when
# a coaching answer may set one or not
CASES: dict[str, list[tuple[str, str, str]]] = {
    "asking what a term of the work means is coaching": [
        ("could you explain to me what an overdue deal is?", "coaching", "overdue"),
        ("what does it mean when a deal goes stale?", "coaching", "stale"),
        ("erklär mir kurz, was ein überfälliger Deal ist", "coaching", "overdue"),
        ("was bedeutet es, wenn ein Deal eingeschlafen ist?", "coaching", "stale"),
    ],
    "good news told is small talk": [
        ("signed the big framework contract this afternoon!", "off_topic", "none"),
        ("we won the hospital deal today 🎉", "off_topic", "none"),
        ("Heute den Rahmenvertrag mit dem Klinikum unterschrieben!", "off_topic", "none"),
        ("endlich gewonnen, der Deal mit der Brauerei ist durch", "off_topic", "none"),
    ],
    "a problem told with the news is still coaching": [
        ("I won a deal last week and only then noticed it was never in the crm", "coaching", "any"),
        ("half my team hit quota, the other half never logs anything", "coaching", "any"),
        ("closed the bank deal today, but half its activities are not in the crm", "coaching", "any"),
        ("Deal mit der Bank abgeschlossen, aber keiner hat die Termine eingetragen", "coaching", "any"),
    ],
    "a choice between CRM products gets no lesson goal": [
        ("pipedrive or salesforce for us?", "off_topic", "none"),
        ("should we switch from zoho to hubspot?", "off_topic", "none"),
        ("Salesforce oder HubSpot, was ist besser?", "off_topic", "none"),
        ("sollen wir von Pipedrive auf HubSpot umsteigen?", "off_topic", "none"),
    ],
    "a word that names a metric only beside a deal is no numbers question alone": [
        ("slipping?", "off_topic", "none"),
        ("verpasst?", "off_topic", "none"),
        ("abgelaufen?", "off_topic", "none"),
    ],
    "the biggest deals asked for are numbers": [
        ("Was sind meine vier größten Deals?", "numbers", "none"),
        ("which are the three largest opportunities in the team?", "numbers", "none"),
    ],
    "a product named in the story, a question about people, is coaching": [
        (
            "a rep keeps all his deals in a notebook instead of hubspot. how do I get him to change",
            "coaching",
            "any",
        ),
        (
            "Zwei Leute tragen in Salesforce nichts mehr ein, seit der Chef weg ist. Was tun?",
            "coaching",
            "any",
        ),
    ],
    "a story before a question about the product, or a fault of it, stays a tool question": [
        (
            "We switched the whole team to Pipedrive in spring. Where do I find the won/lost report?",
            "tool_howto",
            "none",
        ),
        (
            "Seit dem Update friert die Salesforce-App auf meinem Tablet ständig ein. Was hilft?",
            "tool_howto",
            "none",
        ),
        ("the zoho app keeps crashing when I open a deal on my phone. any idea?", "tool_howto", "none"),
    ],
    "a product's own notifications are its settings": [
        ("how can I stop pipedrive emailing me about every new activity", "tool_howto", "none"),
        ("Wo schalte ich in Salesforce die Mails bei jeder neuen Aufgabe aus?", "tool_howto", "none"),
    ],
    "asking whether reps should see each other's figures is coaching": [
        ("should reps see everyone's pipeline on the team board?", "coaching", "any"),
        ("Sollten die Verkäufer die Deals der anderen sehen können?", "coaching", "any"),
    ],
    "an insult to the coach is hostile even when it names the team": [
        ("your tips are pointless, my reps roll their eyes", "hostile", "none"),
        ("deine Lektionen sind sinnlos, mein Team lacht nur", "hostile", "none"),
    ],
    "pay is off-topic however many deals it names, unless it names the CRM work": [
        ("how do I split the commission when two reps worked the Fischer deal?", "off_topic", "none"),
        (
            "Wie verteile ich die Provision, wenn zwei Verkäufer am selben Deal gearbeitet haben?",
            "off_topic",
            "none",
        ),
        ("should the bonus reward reps who keep their deals current in the crm?", "coaching", "any"),
    ],
    "leaving the CRM vendor is a product choice": [
        ("the crm vendor doubles our licence cost, should we switch?", "off_topic", "none"),
        ("Der CRM-Anbieter verdoppelt die Lizenzkosten, sollen wir wechseln?", "off_topic", "none"),
    ],
    "writing for the manager is other work": [
        ("draft me a thank-you note to the customer's buyer", "off_topic", "none"),
        ("formulier mir eine Dankesmail an den Einkäufer des Kunden", "off_topic", "none"),
    ],
    "keystrokes are gibberish, abbreviations and quarters are words": [
        ("h h hh 42", "gibberish", "none"),
        ("ttt ööö q", "gibberish", "none"),
        ("z.B. Q2 Pipeline?", "numbers", "none"),
        ("e.g. Q4 forecast?", "coaching", "any"),
    ],
    "a contraction typed without its apostrophe still asks": [
        ("wheres the owner field on a company in zoho", "tool_howto", "none"),
        ("salesforce: whats the setting for default close dates", "tool_howto", "none"),
    ],
    "a role of the work asked to play is coaching, a boss who grants things is not": [
        ("pretend youre my vp and tell me what you'd ask about my stale deals", "coaching", "any"),
        (
            "tu so, als wärst du mein Vertriebsleiter, und geh meine überfälligen Deals mit mir durch",
            "coaching",
            "any",
        ),
        ("pretend you're my manager and sign off my expense claim", "hostile", "none"),
    ],
    "a product's setting asked for is a tool question, whoever it is for": [
        ("my team should see my hubspot reports too, where is the setting for that", "tool_howto", "none"),
        ("Mein Team soll meine Pipedrive-Berichte sehen, wo stelle ich das ein?", "tool_howto", "none"),
    ],
    "a figure asked for with 'only the number', a count or a short fragment is numbers": [
        ("only the number of overdue deals on the team please, no advice", "numbers", "none"),
        ("nur die Anzahl: überfällige Deals im Team, keine Ratschläge", "numbers", "none"),
        ("gimme my stale opps", "numbers", "none"),
        ("meine Deals ohne Bewegung seit 10 Tagen?", "numbers", "none"),
    ],
    "small talk around the team is off-topic": [
        ("who won the derby? my whole sales team was at the stadium", "off_topic", "none"),
        ("Wer hat das Derby gewonnen? Mein halber Vertrieb war im Stadion", "off_topic", "none"),
    ],
}


def test_no_case_here_is_an_evaluation_item() -> None:
    evaluated = {text_key(item["text"]) for item in eval_items()}

    assert [m for cases in CASES.values() for m, _, _ in cases if text_key(m) in evaluated] == []


@pytest.fixture
def crm(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`crmcoach ask` reads the seeded demo CRM."""
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))


@pytest.mark.parametrize(
    "case", [case for cases in CASES.values() for case in cases], ids=lambda case: case[0][:40]
)
@pytest.mark.usefixtures("crm")
def test_the_manager_gets_the_answer_of_the_messages_kind(
    capsys: pytest.CaptureFixture[str], case: tuple[str, str, str]
) -> None:
    message, kind, goal = case

    answer = ask_json(message, capsys, "--user", ANNA)

    assert answer["kind"] == kind, message
    _assert_goal(answer, goal)
    if kind not in ("coaching", "tool_howto"):
        assert answer["lessons"] == []


@pytest.mark.parametrize(
    "message",
    [
        "for the Weber account? nobody, we only ever spoke to purchasing",
        "ehrlich? bei den meisten hat nie jemand nach dem Termin gefragt",
    ],
)
@pytest.mark.usefixtures("crm")
def test_an_echo_of_the_question_before_the_answer_is_a_reflection(
    capsys: pytest.CaptureFixture[str], message: str
) -> None:
    answer = ask_json(message, capsys, "--user", ANNA, "--after-lesson", AFTER_LESSON)

    assert (answer["kind"], answer["goal"]) == ("reflection", None)


@pytest.mark.usefixtures("crm")
def test_a_real_question_after_a_lesson_is_still_a_question(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(
        "really? how do I get the team to ask for that?",
        capsys,
        "--user",
        ANNA,
        "--after-lesson",
        AFTER_LESSON,
    )

    assert answer["kind"] == "coaching"


def _assert_goal(answer: dict[str, Any], goal: str) -> None:
    if goal == "none":
        assert answer["goal"] is None
    elif goal != "any":
        assert answer["goal"] is not None
        assert family_of(answer["goal"]["metric"]) == goal
