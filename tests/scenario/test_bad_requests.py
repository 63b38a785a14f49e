"""Malformed and unverifiable requests: 400 (401 for signatures), no side effect, no traceback in the
log; a malformed composer submission gets field errors in the modal. Ends with a 10,000-case fuzz run
against the WSGI app in-process (random and mutated payloads, signed and unsigned)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import os
import random
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.util import setup_testing_defaults

import pytest

from bot.container import Container
from bot.demo.standins.requests import (
    block_actions_body,
    event_body,
    interaction_body,
    post_signed,
    sign,
    slash_command_body,
    view_submission_payload,
)
from bot.demo.standins.slack import SlackStandIn
from bot.render import home_ids
from bot.slack import ids
from bot.slack.app import build_app
from bot.web import EVENTS_PATH, build_wsgi
from tests.conftest import SIGNING_SECRET, ServerFactory, with_coach

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture
def coached(container: Container, slack: SlackStandIn) -> Container:
    return with_coach(container, slack)


@pytest.fixture
def url(coached: Container, serve: ServerFactory) -> str:
    return serve(coached)


class _Tracebacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.stack_info or "Traceback" in record.getMessage():
            self.records.append(record)


@pytest.fixture
def tracebacks() -> Iterator[_Tracebacks]:
    handler = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def _slash(slack: SlackStandIn, **changes: str) -> str:
    body = slash_command_body(
        team_id=slack.team_id, user_id="U0PAT", text="help", response_url=slack.response_url()
    )
    fields = dict(pair.split("=", 1) for pair in body.split("&"))
    fields.update(changes)
    return "&".join(f"{key}={value}" for key, value in fields.items() if value != "<drop>")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=not-json", FORM),
        ("payload=%5B%5D", FORM),  # payload=[]
        ("payload=%7B%7D", FORM),  # payload={} (no type)
        ("[1, 2, 3]", JSON),
        ('"just a string"', JSON),
        ("{not json", JSON),
        ("a=b", FORM),
        ("\xff\xfe", FORM),
    ],
)
def test_a_malformed_signed_body_is_a_400(
    url: str, slack: SlackStandIn, tracebacks: _Tracebacks, body: str, content_type: str
) -> None:
    result = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET, content_type=content_type)

    assert result.status == 400
    assert tracebacks.records == []
    assert slack.calls_to("response_url") == []


@pytest.mark.parametrize("missing", ["team_id", "user_id"])
def test_a_signed_slash_command_without_team_or_user_is_a_400(
    url: str, slack: SlackStandIn, tracebacks: _Tracebacks, missing: str
) -> None:
    result = post_signed(url + EVENTS_PATH, _slash(slack, **{missing: "<drop>"}), secret=SIGNING_SECRET)

    assert result.status == 400
    assert tracebacks.records == []


def test_a_click_in_a_message_must_carry_a_response_url_a_click_in_a_view_need_not(
    url: str, slack: SlackStandIn, tracebacks: _Tracebacks
) -> None:
    """Slack sends a response_url with clicks in messages only; App Home and modal clicks have none."""
    in_message = json.loads(
        parse_qs(
            block_actions_body(
                team_id=slack.team_id,
                user_id="U0ANNA",
                action_id=home_ids.ACTION_NEW_BROADCAST,
                value="1",
                response_url=slack.response_url(),
                message={"ts": "1.0"},
                channel_id="DU0ANNA",
            )
        )["payload"][0]
    )
    del in_message["response_url"]
    in_view = {**in_message, "container": {"type": "view", "view_id": "V1"}, "view": {"type": "home"}}
    del in_view["channel"]

    refused = post_signed(
        url + EVENTS_PATH, urlencode({"payload": json.dumps(in_message)}), secret=SIGNING_SECRET
    )
    taken = post_signed(url + EVENTS_PATH, urlencode({"payload": json.dumps(in_view)}), secret=SIGNING_SECRET)

    assert (refused.status, taken.status) == (400, 200)
    assert tracebacks.records == []


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "-5", "12 34"])
def test_a_timestamp_that_is_not_a_number_is_a_401(
    url: str, slack: SlackStandIn, tracebacks: _Tracebacks, timestamp: str
) -> None:
    body = _slash(slack)
    headers = {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, body),
    }

    result = post_signed(url + EVENTS_PATH, body, secret=None, extra_headers=headers)

    assert result.status == 401
    assert tracebacks.records == []


@pytest.mark.parametrize("body", ["payload=not-json", "payload=%5B%5D", "[]", "\xff"])
def test_an_unsigned_malformed_body_is_a_401(url: str, tracebacks: _Tracebacks, body: str) -> None:
    result = post_signed(url + EVENTS_PATH, body, secret=None)

    assert result.status == 401
    assert tracebacks.records == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", {"type": "datepicker", "selected_date": "31.12.2026"}),
        ("time", {"type": "timepicker", "selected_time": "noon"}),
        ("weekday", {"type": "static_select", "selected_option": {"value": "nine"}}),
        ("weekday", {"type": "static_select", "selected_option": {"value": "7"}}),
    ],
)
def test_a_malformed_composer_field_gets_a_field_error(
    url: str,
    slack: SlackStandIn,
    tracebacks: _Tracebacks,
    field: str,
    value: dict[str, Any],
) -> None:
    values = {
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": "C0SALES"}},
        "text": {"text": {"type": "plain_text_input", "value": "Call three customers"}},
        "when": {"when": {"type": "radio_buttons", "selected_option": {"value": "weekly"}}},
        "time": {"time": {"type": "timepicker", "selected_time": "09:00"}},
        "weekday": {"weekday": {"type": "static_select", "selected_option": {"value": "0"}}},
        field: {field: value},
    }
    payload = view_submission_payload(
        team_id=slack.team_id,
        user_id="U0COACH",
        callback_id="broadcast_composer",
        values=values,
        private_metadata="en",
    )

    result = post_signed(url + EVENTS_PATH, interaction_body(payload), secret=SIGNING_SECRET)

    assert result.status == 200
    answer = result.json()
    assert answer["response_action"] == "errors" and field in answer["errors"]
    assert tracebacks.records == []


# --- fuzzing ------------------------------------------------------------------------------------

FUZZ_CASES = 10_000
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    True,
    "",
    "x" * 300,
    [],
    [1],
    {},
    {"id": 5},
    "<!channel>",
    "\u0000",
    "T0TEST",
]


def _templates(slack: SlackStandIn) -> list[tuple[str, dict[str, Any] | str]]:
    message = {"ts": "1.0", "text": "x", "blocks": []}
    button = block_actions_body(
        team_id=slack.team_id,
        user_id="U0PAT",
        action_id=ids.ACTION_TASK_DONE,
        value="1",
        response_url=slack.response_url(),
        message=message,
        channel_id="D0PAT",
    )
    composer = view_submission_payload(
        team_id=slack.team_id,
        user_id="U0COACH",
        callback_id="broadcast_composer",
        values={},
        private_metadata="en",
    )
    event = json.loads(
        event_body(
            team_id=slack.team_id,
            event={"type": "message", "channel_type": "im", "user": "U0PAT", "text": "hi"},
        )
    )
    user_change = json.loads(
        event_body(
            team_id=slack.team_id,
            event={"type": "user_change", "user": {**slack.users["U0PAT"], "deleted": True}},
            event_id="Ev0CHANGE",
        )
    )
    return [
        ("json", user_change),
        ("payload", _payload_of(button)),
        ("payload", composer),
        ("json", event),
        ("form", _slash(slack)),
    ]


def _payload_of(form_body: str) -> dict[str, Any]:
    return dict(json.loads(parse_qs(form_body)["payload"][0]))


def _mutate(rng: random.Random, value: Any, depth: int = 0) -> Any:
    if isinstance(value, dict) and value and depth < 4:
        mutated = dict(value)
        key = rng.choice(list(mutated))
        action = rng.random()
        if action < 0.3:
            del mutated[key]
        elif action < 0.7:
            mutated[key] = rng.choice(ODD_VALUES)
        else:
            mutated[key] = _mutate(rng, mutated[key], depth + 1)
        return mutated
    if isinstance(value, list) and value and depth < 4:
        return (
            [_mutate(rng, item, depth + 1) for item in value]
            if rng.random() < 0.7
            else rng.choice(ODD_VALUES)
        )
    return rng.choice(ODD_VALUES)


def _case(rng: random.Random, templates: list[tuple[str, Any]]) -> tuple[bytes, str]:
    """A request body and its content type: random bytes, or a real payload mutated."""
    roll = rng.random()
    if roll < 0.1:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 80))), rng.choice([FORM, JSON, ""])
    kind, template = rng.choice(templates)
    if kind == "form":
        fields = dict(pair.split("=", 1) for pair in template.split("&"))
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(list(fields))
            fields[key] = rng.choice(
                ["", "%5B%5D", "help", "stats", "broadcast", "%3C%21channel%3E", "T0OTHER", "x" * 50]
            )
            if rng.random() < 0.2:
                del fields[key]
        return "&".join(f"{k}={v}" for k, v in fields.items()).encode(), FORM
    mutated = template
    for _ in range(rng.randint(1, 4)):
        mutated = _mutate(rng, mutated)
    text = json.dumps(mutated)
    if rng.random() < 0.1:
        text = text[: rng.randint(0, len(text))]
    if kind == "payload":
        return urlencode({"payload": text}).encode(), FORM
    return text.encode(), JSON


def _call(wsgi: Any, body: bytes, content_type: str, headers: dict[str, str]) -> int:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": EVENTS_PATH,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []
    b"".join(wsgi(environ, lambda s, h, exc_info=None: status.append(s)))
    return int(status[0].split()[0])


def test_ten_thousand_random_and_mutated_requests_get_no_5xx_and_log_no_traceback(
    coached: Container, slack: SlackStandIn, tracebacks: _Tracebacks
) -> None:
    if coached.engine.dialect.name != "sqlite":
        pytest.skip("the request checks do not depend on the database; once is enough")
    wsgi = build_wsgi(
        build_app(coached.settings, coached), engine=coached.engine, signing_secret=SIGNING_SECRET
    )
    rng = random.Random(
        int(os.environ.get("CRMCOACH_FUZZ_SEED", "11"))
    )  # reproducible by seed and case number
    templates = _templates(slack)
    statuses: dict[int, int] = {}
    server_errors: list[tuple[int, bytes]] = []
    for number in range(FUZZ_CASES):
        body, content_type = _case(rng, templates)
        timestamp = str(int(time.time()))
        headers: dict[str, str] = {}
        roll = rng.random()
        if roll < 0.75:  # most are signed, so they get past the signature into the parsing
            headers = {
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": _signature(timestamp, body),
            }
        elif roll < 0.85:
            headers = {
                "X-Slack-Request-Timestamp": rng.choice(["abc", "", "12.5", timestamp]),
                "X-Slack-Signature": "v0=00",
            }
        status = _call(wsgi, body, content_type, headers)
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500:
            server_errors.append((number, body[:200]))

    time.sleep(1.0)  # work after the acks (first contacts' replies) finishes and logs what it logs
    print(f"fuzz statuses: {dict(sorted(statuses.items()))}")
    assert server_errors == []
    assert [r.getMessage() for r in tracebacks.records] == []


def _signature(timestamp: str, body: bytes) -> str:
    """Slack's v0 signature over raw bytes (bodies that are not UTF-8 are signed too)."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
