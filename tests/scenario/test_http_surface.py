"""GET /healthz and the App Home, through the real WSGI app."""

from __future__ import annotations

import json

from bot.container import Container
from bot.demo.standins.requests import event_body, get, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.db import make_engine
from bot.web import EVENTS_PATH
from tests.conftest import SIGNING_SECRET, ServerFactory, replace


def test_healthz_is_ok_when_the_database_answers(base_url: str) -> None:
    result = get(base_url + "/healthz")

    assert result.status == 200
    assert result.json() == {"status": "ok", "database": True}


def test_healthz_is_503_when_the_database_does_not_answer(container: Container, serve: ServerFactory) -> None:
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    base_url = serve(replace(container, engine=dead))

    result = get(base_url + "/healthz")

    assert result.status == 503
    assert result.json() == {"status": "unavailable", "database": False}


def test_unknown_paths_are_404(base_url: str) -> None:
    assert get(base_url + "/admin").status == 404


def test_app_home_is_published_in_the_users_language(base_url: str, slack: SlackStandIn) -> None:
    event = {
        "type": "app_home_opened",
        "user": "U0ANNA",
        "channel": "D0ANNA",
        "tab": "home",
        "event_ts": "1700000000.000100",
    }
    body = event_body(team_id=slack.team_id, event=event)

    result = post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET, content_type="application/json")

    assert result.status == 200
    [call] = slack.wait_for("views.publish")
    view = call.params["view"]
    assert call.params["user_id"] == "U0ANNA"
    assert view["type"] == "home"
    assert view["blocks"][0]["text"]["text"] == "Willkommen beim CRM Coach"


def test_url_verification_is_answered(base_url: str) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})

    result = post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET, content_type="application/json")

    assert result.status == 200
    assert challenge in result.body
