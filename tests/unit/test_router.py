"""The `/crmcoach` router table and the background runner behind its lazy handlers."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from bot.crm.base import CRMUnavailableError
from bot.i18n import catalog, command_words
from bot.render.replies import text_message
from bot.slack.background import Background, Message, Outcome
from bot.slack.commands import ROUTES, UNKNOWN
from bot.slack.router import Router, parse

SUBCOMMAND_WORDS = {k.removeprefix("commands.") for k in catalog("en") if k.startswith("commands.")}
ARGUMENT_WORDS = {"cancel", "export"}  # words after a subcommand: `broadcasts cancel 3`, `team export`


def _router() -> Router:
    return Router(ROUTES, default="help", unknown=UNKNOWN, refusal=lambda command, route: {})


def test_every_subcommand_in_the_catalogues_has_exactly_one_route() -> None:
    names = [route.name for route in ROUTES]
    assert len(names) == len(set(names))
    assert set(names) == SUBCOMMAND_WORDS - ARGUMENT_WORDS


@pytest.mark.parametrize(
    ("typed", "route"),
    [
        ("", "help"),
        ("?", "help"),
        ("Hilfe", "help"),
        ("frag", "ask"),
        ("frage", "ask"),
        ("einstellungen", "settings"),
        ("abmelden", "unsubscribe"),
        ("anmelden", "subscribe"),
        ("STATS", "stats"),
        ("forecast", "unknown"),
    ],
)
def test_words_in_either_language_find_their_route(typed: str, route: str) -> None:
    word, _ = parse(f"  {typed}  ")
    assert _router().route_for(word).name == route


def test_parse_splits_the_word_from_the_rest() -> None:
    assert parse(" Broadcasts  cancel 3 ") == ("broadcasts", "cancel 3")


def test_only_coach_routes_are_coach_only_and_only_slow_work_sends_a_note() -> None:
    by_name = {route.name: route for route in ROUTES}
    assert {name for name, route in by_name.items() if route.coach_only} == {
        "broadcast",
        "broadcasts",
        "team",
    }
    assert {name for name, route in by_name.items() if route.slow_key} == {"stats", "ask"}
    assert all(route.lazy is not None for route in ROUTES if route.slow_key)


def test_cancel_and_export_words_come_from_the_catalogues() -> None:
    assert command_words("cancel") == {"cancel", "stornieren"}
    assert command_words("export") == {"export"}


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.done = threading.Event()

    def send(self, message: Message) -> None:
        self.messages.append(message)
        if "longer than usual" not in message["text"]:
            self.done.set()


def _outcome(inbox: _Inbox, *, slow_key: str | None = "stats.slow") -> Outcome:
    return Outcome(
        what="/crmcoach stats",
        team_id="T1",
        user_id="U1",
        crm="Demo CRM",
        send=inbox.send,
        language=lambda: "en",
        slow_key=slow_key,
    )


def _texts(inbox: _Inbox) -> list[str]:
    assert inbox.done.wait(5)
    time.sleep(0.05)  # nothing may follow the answer
    return [message["text"] for message in inbox.messages]


def test_slow_work_sends_one_note_first_and_then_the_answer() -> None:
    inbox = _Inbox()

    def slow() -> Message:
        time.sleep(0.3)
        return text_message("your numbers")

    Background(slow_after=0.05).run(slow, _outcome(inbox))

    texts = _texts(inbox)
    assert len(texts) == 2 and "longer than usual" in texts[0] and texts[1] == "your numbers"


def test_quick_work_sends_only_the_answer() -> None:
    inbox = _Inbox()
    Background(slow_after=1).run(lambda: text_message("your numbers"), _outcome(inbox))
    assert _texts(inbox) == ["your numbers"]


def test_a_crm_failure_is_explained_in_the_users_words() -> None:
    inbox = _Inbox()

    def failing() -> Message:
        raise CRMUnavailableError("down", detail="connection refused to 10.0.0.7")

    Background().run(failing, _outcome(inbox, slow_key=None))

    [text] = _texts(inbox)
    assert "Demo CRM is not answering right now" in text and "10.0.0.7" not in text


def test_a_bug_is_logged_and_the_user_gets_an_apology(caplog: pytest.LogCaptureFixture) -> None:
    inbox = _Inbox()

    def buggy() -> Message:
        details: dict[str, Any] = {}
        return details["dealstage"]  # type: ignore[no-any-return]

    with caplog.at_level(logging.ERROR, logger="bot.slack"):
        Background().run(buggy, _outcome(inbox, slow_key=None))
        [text] = _texts(inbox)

    assert "something went wrong on our side" in text and "dealstage" not in text
    [record] = [r for r in caplog.records if "failed for T1/U1" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_work_with_nothing_to_say_sends_nothing() -> None:
    inbox = _Inbox()
    future = Background(slow_after=0.01).run(lambda: None, _outcome(inbox))
    assert future.result(5) is None
    time.sleep(0.1)
    assert inbox.messages == []
