"""Helpers for scenario tests: send what Slack sends, read what Slack received."""

from __future__ import annotations

import json
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.coaching.ask import Numbers, answer_by_kind
from bot.coaching.coach import Coach, CoachAnswer
from bot.coaching.kinds import Kind
from bot.coaching.training import YAML_LOADER
from bot.crm.base import ManagerStats
from bot.demo.standins.requests import HttpResult, event_body, post_signed, slash_command_body
from bot.demo.standins.slack import SlackStandIn
from bot.i18n import Language
from bot.store.delivery_models import OutboxMessage
from bot.store.models import DemoDeal, DemoOwner, Manager
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET

ANNA = "anna.berger@example.com"  # the first demo manager, M00001


def command(
    base_url: str,
    slack: SlackStandIn,
    user_id: str,
    text: str,
    *,
    secret: str | None = SIGNING_SECRET,
    timestamp: int | None = None,
    response_key: str | None = None,
) -> HttpResult:
    body = slash_command_body(
        team_id=slack.team_id, user_id=user_id, text=text, response_url=slack.response_url(response_key)
    )
    return post_signed(base_url + EVENTS_PATH, body, secret=secret, timestamp=timestamp)


def reply(slack: SlackStandIn, *, count: int = 1) -> dict[str, Any]:
    """The count-th ephemeral reply posted to a response_url (waits for it)."""
    return slack.wait_for("response_url", count=count)[count - 1].params


def final_reply(slack: SlackStandIn, *, timeout: float = 10.0) -> dict[str, Any]:
    """The first reply that is not the "takes longer than usual" note (which may or may not come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in slack.calls_to("response_url"):
            if call.status == 200 and "takes longer than usual" not in all_text(call.params):
                return call.params
        time.sleep(0.02)
    raise TimeoutError(f"no final reply; got {slack.calls_to('response_url')}")


def all_text(message: dict[str, Any]) -> str:
    """Everything a person can read in a message: fallback text and every block's text."""
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text.get("text", ""))
        parts.extend(field["text"] for field in block.get("fields") or [])
        for element in block.get("elements") or []:
            label = element.get("text", "") if isinstance(element, dict) else ""
            parts.append(label.get("text", "") if isinstance(label, dict) else label)
    return "\n".join(parts)


def managers(engine: Engine) -> list[Manager]:
    with Session(engine) as session:
        return list(session.scalars(select(Manager).order_by(Manager.slack_user_id)))


def outbox_rows(engine: Engine, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    with Session(engine) as session:
        return list(session.scalars(query if kind is None else query.where(OutboxMessage.kind == kind)))


def settled_outbox(engine: Engine, kind: str | None = None, timeout: float = 10.0) -> list[OutboxMessage]:
    """The outbox rows (of `kind`) once none is claimed any more: every sender recorded its result.
    A message Slack already shows may still be claimed for a moment after the post."""
    deadline = time.monotonic() + timeout
    while (rows := outbox_rows(engine, kind)) and any(row.status == "claimed" for row in rows):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return rows


def ask_json(question: str, capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, Any]:
    """`crmcoach ask QUESTION --offline --json [OPTIONS]`, run in-process: the JSON it prints."""
    assert main(["ask", question, "--offline", "--json", *options]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def ask_anna(question: str, capsys: pytest.CaptureFixture[str], locale: str) -> dict[str, Any]:
    """`ask_json` as the first demo manager with the given Slack locale."""
    return ask_json(question, capsys, "--user", ANNA, "--locale", locale)


def direct_message(
    base_url: str, slack: SlackStandIn, user: str, text: str, *, event_id: str, retry: int | None = None
) -> HttpResult:
    """A signed `message.im` event from `user` (`retry`: Slack's redelivery number of it)."""
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user}",
        "user": user,
        "text": text,
        "ts": "1700000000.000200",
        "event_ts": "1700000000.000200",
    }
    headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
    return post_signed(
        base_url + EVENTS_PATH,
        event_body(team_id=slack.team_id, event=event, event_id=event_id),
        secret=SIGNING_SECRET,
        content_type="application/json",
        extra_headers=headers,
    )


def numbers_reply(
    coach: Coach, stats: ManagerStats, question: str, language: Language = "en", *, kind: Kind = "numbers"
) -> CoachAnswer:
    """The coach's answer to a message already known to be of `kind` (a numbers question unless told)."""
    return answer_by_kind(
        coach=coach,
        kind=kind,
        question=question,
        language=language,
        numbers=Numbers(stats=stats, linked=True),
        prompt=None,
        crm_name="Demo CRM",
        now=NOW,
        offline=True,
    )


def chat_answer(coach: Coach, stats: ManagerStats, message: str, language: Language) -> CoachAnswer:
    """What the coach answers a chat message: its kind as the classifier reads it, then that kind's answer."""
    return numbers_reply(coach, stats, message, language, kind=coach.classifier.classify(message).kind)


def chat_and_json(
    coach: Coach,
    stats: ManagerStats,
    question: str,
    language: Language,
    capsys: pytest.CaptureFixture[str],
    *,
    user: str = ANNA,
) -> tuple[CoachAnswer, dict[str, Any]]:
    """The same question asked in the chat and with `crmcoach ask --json --user USER --locale LANGUAGE`:
    the chat answer and the JSON printed."""
    chat = chat_answer(coach, stats, question, language)
    return chat, ask_json(question, capsys, "--user", user, "--locale", language)


def add_deal(engine: Engine, name: str) -> None:
    """A deal added the ordinary way: the database picks its id."""
    with Session(engine) as session, session.begin():
        owner = session.scalars(select(DemoOwner).order_by(DemoOwner.id)).first()
        assert owner is not None
        session.add(
            DemoDeal(
                owner_id=owner.id,
                name=name,
                company=name,
                amount=1,
                stage="",
                status="open",
                close_date=NOW.date(),
                created_at=NOW,
            )
        )


def load_yaml(text: str) -> Any:
    """YAML parsed with the loader the app reads its data files with (libyaml: the pure-Python safe_load
    takes some 5 s for the eval questions, several times a test)."""
    return yaml.load(text, Loader=YAML_LOADER)


EVAL_DIR = Path(__file__).resolve().parents[1] / "benchmarks" / "coaching_eval"


@lru_cache(maxsize=1)
def eval_items() -> tuple[dict[str, Any], ...]:
    """Every item of every evaluation set, parsed once per process (several overlap tests read them)."""
    return tuple(item for path in sorted(EVAL_DIR.glob("*.yaml")) for item in load_yaml(path.read_text()))


def text_key(text: str) -> str:
    """A message as the overlap tests compare it: its words, case ignored."""
    return " ".join(re.findall(r"\w+", text.casefold()))
