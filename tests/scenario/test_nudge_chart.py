"""The weekly nudge carries the Home's focus chart when the focus metric moved since the week before."""

from __future__ import annotations

import json
from dataclasses import replace as changed
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.curriculum import weekly_focus
from bot.coaching.stats import my_stats
from bot.container import Container
from bot.crm.codec import stats_to_json
from bot.delivery.worker import tick
from bot.demo.standins.slack import SlackStandIn
from bot.slack.home import with_home_refresh
from bot.store.models import Manager
from bot.store.snapshots import save_week
from tests.conftest import NOW, enroll_everyone

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Vienna: Anna's nudge, week 49


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    tick(delivery=container.delivery, now=NOW + timedelta(hours=5))
    return container


def _last_week(container: Container, team_id: str, *, moved: bool) -> None:
    """Anna's numbers of week 48: as this week's (the focus metric did not move) or with fewer stale deals."""
    stats = my_stats(
        identities=container.identities,
        stats=container.stats,
        team_id=team_id,
        slack_user_id="U0ANNA",
        now=MONDAY_0800_UTC,
    ).stats
    earlier = (
        changed(
            stats,
            stale_deals=max(stats.stale_deals - 6, 0),
            deals_without_next_step=1,
            overdue_close_dates=0,
            activities_7d_manager=stats.activities_7d_manager + 4,
        )
        if moved
        else stats
    )
    with Session(container.engine) as session:
        manager_id = session.scalars(select(Manager.id).where(Manager.slack_user_id == "U0ANNA")).one()
        save_week(
            session,
            team_id=team_id,
            manager_id=manager_id,
            week="2026-W48",
            payload=stats_to_json(earlier),
            now=NOW,
        )
        session.commit()


def _nudge(slack: SlackStandIn) -> dict[str, Any]:
    [nudge] = [m for m in slack.messages_in("DU0ANNA") if m["metadata"]["event_payload"]["kind"] == "nudge"]
    return nudge


def test_a_moved_focus_metric_brings_its_chart_into_the_nudge(
    enrolled: Container, slack: SlackStandIn
) -> None:
    _last_week(enrolled, slack.team_id, moved=True)
    stats = my_stats(
        identities=enrolled.identities,
        stats=enrolled.stats,
        team_id=slack.team_id,
        slack_user_id="U0ANNA",
        now=MONDAY_0800_UTC,
    ).stats
    focus = weekly_focus(stats)
    assert focus is not None

    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)

    images = [b for b in _nudge(slack)["blocks"] if b["type"] == "image"]
    assert [b["block_id"] for b in images] == ["chart_focus"]
    assert "KW 48:" in images[0]["alt_text"] and "KW 49:" in images[0]["alt_text"]
    assert slack.uploads[images[0]["slack_file"]["id"]]["content"].startswith(b"\x89PNG")


def test_an_unchanged_focus_metric_keeps_the_nudge_without_a_chart(
    enrolled: Container, slack: SlackStandIn
) -> None:
    _last_week(enrolled, slack.team_id, moved=False)

    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)

    assert not [b for b in _nudge(slack)["blocks"] if b["type"] == "image"]
    assert not slack.calls_to("files.getUploadURLExternal")


def test_the_home_tab_is_refreshed_after_each_nudge(enrolled: Container, slack: SlackStandIn) -> None:
    sender = with_home_refresh(enrolled)  # as `crmcoach worker`, `tick` and `run` build it

    tick(delivery=sender.delivery, now=MONDAY_0800_UTC)

    [call] = [c for c in slack.calls_to("views.publish") if c.params["user_id"] == "U0ANNA"]
    view = call.params["view"] if isinstance(call.params["view"], dict) else json.loads(call.params["view"])
    assert view["blocks"][0]["text"]["text"] == "Dein CRM Coach"
    assert not [
        c for c in slack.calls_to("views.publish") if c.params["user_id"] == "U0JAMES"
    ]  # not his turn
