"""After three weekly nudges without improvement the coach changes the approach and, where the workspace
turned it on, tells the manager's coach in a DM, with the trend. The welcome says so."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.coaching.coach import Coach
from bot.container import build_container
from bot.crm.base import ManagerStats
from bot.delivery.sim_figures import run_grid
from bot.delivery.simulation import synthetic_profiles
from bot.demo.standins.slack import SlackStandIn
from tests.conftest import make_settings
from tests.helpers import all_text

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def _stuck_manager() -> list[ManagerStats]:
    """A profile with a gap (always some focus) who ignores everything: the numbers never move."""
    profiles = synthetic_profiles(12, now=START)
    return [next(p for p in profiles if p.stale_deals / p.open_deals > 0.5)]


def test_the_coach_hears_about_a_stall_with_the_trend_where_turned_on(
    engine: Engine, coach: Coach, slack: SlackStandIn
) -> None:
    slack.add_user("U0COACH", name="Carla Coach", email="carla@example.org")
    settings = make_settings(
        slack,
        engine.url.render_as_string(hide_password=False),
        crmcoach_coaches="U0COACH",
        crmcoach_tell_coach_on_stall=True,
    )
    container = build_container(settings, engine=engine, answers=coach)

    received, _ = run_grid(
        delivery=container.delivery, profiles=_stuck_manager(), behaviours=("ignore",), start=START, weeks=5
    )

    welcome = next(r for r in received if r.kind == "welcome")
    assert "let your coach know" in all_text(welcome.message)
    escalated = [r for r in received if r.kind == "nudge" and r.escalated]
    assert [r.week for r in escalated] == [4]  # the fourth nudge: three nudges without improvement
    assert "change the approach" in all_text(escalated[0].message)
    earlier = {r.topic for r in received if r.kind == "nudge" and r.week < 4 and r.topic}
    assert escalated[0].topic not in earlier or escalated[0].topic is None  # another angle
    told = slack.messages_in("U0COACH")
    assert len(told) == 1
    assert "has not moved for 3 weekly nudges" in told[0]["text"] and " → " in told[0]["text"]
    assert told[0]["metadata"]["event_payload"]["idempotency_key"].startswith("TSIM:notice:U0COACH:")


def test_nobody_is_told_where_it_is_off(engine: Engine, coach: Coach, slack: SlackStandIn) -> None:
    slack.add_user("U0COACH", name="Carla Coach", email="carla@example.org")
    settings = make_settings(
        slack, engine.url.render_as_string(hide_password=False), crmcoach_coaches="U0COACH"
    )
    container = build_container(settings, engine=engine, answers=coach)

    received, _ = run_grid(
        delivery=container.delivery, profiles=_stuck_manager(), behaviours=("ignore",), start=START, weeks=5
    )

    assert any(r.escalated for r in received)
    assert "let your coach know" not in all_text(next(r for r in received if r.kind == "welcome").message)
    assert slack.messages_in("U0COACH") == []
