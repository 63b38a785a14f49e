"""The settings modal: opened from Home or `/crmcoach settings`, validated like the subcommands."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.slack import SlackStandIn
from bot.render import home_ids as ids
from bot.store.delivery_models import Subscription
from bot.store.models import Manager
from tests.conftest import NOW, enroll_everyone
from tests.helpers import command
from tests.scenario.home_helpers import click, submit, view_of


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    tick(delivery=container.delivery, now=NOW + timedelta(hours=5))
    return container


def _values(
    *,
    nudge_day: str = "2",
    nudge_time: str = "08:30",
    lesson_days: tuple[str, ...] = ("1", "3"),
    lesson_time: str = "10:00",
    quiet: tuple[str | None, str | None] = ("12:00", "13:00"),
    language: str = "en",
    pause_until: str | None = None,
) -> dict[str, Any]:
    def single(kind: str, **value: Any) -> dict[str, Any]:
        return {ids.ELEMENT: {"type": kind, **value}}

    def option(value: str) -> dict[str, Any]:
        return {"value": value, "text": {"type": "plain_text", "text": value}}

    return {
        ids.FIELD_NUDGE_DAY: single("static_select", selected_option=option(nudge_day)),
        ids.FIELD_NUDGE_TIME: single("timepicker", selected_time=nudge_time),
        ids.FIELD_LESSON_DAYS: single("checkboxes", selected_options=[option(d) for d in lesson_days]),
        ids.FIELD_LESSON_TIME: single("timepicker", selected_time=lesson_time),
        ids.FIELD_QUIET_FROM: single("timepicker", selected_time=quiet[0]),
        ids.FIELD_QUIET_TO: single("timepicker", selected_time=quiet[1]),
        ids.FIELD_LANGUAGE: single("static_select", selected_option=option(language)),
        ids.FIELD_PAUSE_UNTIL: single("datepicker", selected_date=pause_until),
    }


def _settings(container: Container, user: str) -> tuple[Any, ...]:
    with Session(container.engine) as session:
        manager = session.scalars(select(Manager).where(Manager.slack_user_id == user)).one()
        sub = session.get(Subscription, manager.id)
        assert sub is not None
        return (
            sub.nudge_weekday,
            sub.nudge_time,
            sub.lesson_weekdays,
            sub.lesson_time,
            sub.quiet_hours,
            manager.preferred_language,
            sub.paused_until is not None,
        )


def test_settings_from_the_modal_equal_those_from_the_subcommands(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    response = submit(base_url, slack, "U0ANNA", ids.SETTINGS_CALLBACK, _values(pause_until="2026-12-24"))
    for text in (
        "settings nudge wed 08:30",
        "settings lessons tue,thu 10:00",
        "settings quiet 12:00-13:00",
        "settings language en",
        "pause until 2026-12-24",
    ):
        command(base_url, slack, "U0JAMES", text)

    assert response.status == 200 and response.body == ""
    anna, james = _settings(enrolled, "U0ANNA"), _settings(enrolled, "U0JAMES")
    assert anna == james == (2, "08:30", "1,3", "10:00", "12:00-13:00", "en", True)
    slack.wait_for("views.publish")  # the Home shows the new settings


@pytest.mark.parametrize(
    "case",
    [
        (_values(nudge_time="23:30"), ids.FIELD_NUDGE_TIME, "outside the delivery window"),
        (_values(lesson_time="12:30"), ids.FIELD_QUIET_FROM, "quiet hours"),
        (_values(quiet=("12:00", None)), ids.FIELD_QUIET_TO, "start and the end"),
        (_values(lesson_days=()), ids.FIELD_LESSON_DAYS, "at least one day"),
        (_values(pause_until="2020-01-01"), ids.FIELD_PAUSE_UNTIL, "not in the future"),
    ],
)
def test_bad_values_are_field_errors_in_the_modal_and_change_nothing(
    enrolled: Container, base_url: str, slack: SlackStandIn, case: tuple[dict[str, Any], str, str]
) -> None:
    values, field, expected = case
    before = _settings(enrolled, "U0JAMES")

    response = submit(base_url, slack, "U0JAMES", ids.SETTINGS_CALLBACK, values)

    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert expected in answer["errors"][field]
    assert _settings(enrolled, "U0JAMES") == before


def test_the_modal_opens_from_home_and_from_the_slash_command(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    assert click(base_url, slack, "U0ANNA", ids.ACTION_OPEN_SETTINGS) == 200
    from_home = view_of(slack.wait_for("views.open")[0].params)
    shown = command(base_url, slack, "U0JAMES", "settings")
    from_command = view_of(slack.wait_for("views.open", count=2)[1].params)

    assert from_home["callback_id"] == from_command["callback_id"] == ids.SETTINGS_CALLBACK
    assert from_home["title"]["text"] == "Coaching-Einstellungen"
    assert from_command["title"]["text"] == "Coaching settings"
    blocks = {b["block_id"]: b for b in from_command["blocks"]}
    assert blocks[ids.FIELD_NUDGE_TIME]["element"]["initial_time"] == "09:00"
    assert "Your CRM Coach settings" in json.dumps(shown.json())  # the subcommand still answers in text
