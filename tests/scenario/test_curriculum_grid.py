"""The curriculum over weeks: a grid of synthetic managers and the three demo personas, driven through the
real planner and composer against scripted CRM numbers (benchmarks/curriculum_sim.py runs it large)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.coaching.coach import Coach
from bot.config import Settings
from bot.container import build_container
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.delivery.sim_figures import run_grid
from bot.delivery.simulation import BEHAVIOURS, synthetic_profiles
from bot.store.delivery_models import PracticeTask
from tests.helpers import all_text

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday
PROFILES = 40  # the benchmark runs 240; this keeps the test well under a minute
# A quarter of a focus group can only be told apart from chance with enough managers in it.
MIN_GROUP = 8


def test_a_grid_of_managers_gets_one_focus_a_week_without_repeats(engine: Engine, coach: Coach) -> None:
    container = build_container(_settings(engine), engine=engine, answers=coach)

    received, figures = run_grid(
        delivery=container.delivery,
        profiles=synthetic_profiles(PROFILES, now=START),
        behaviours=BEHAVIOURS,
        start=START,
        weeks=8,
    )

    assert figures.managers == PROFILES and figures.nudges == PROFILES * 8
    assert figures.task_on_focus >= 0.95, figures.lines()
    assert figures.resends <= 0.10, figures.lines()
    assert figures.resends_after_reached == 0
    assert figures.max_open_tasks <= 2
    assert figures.micro_on_focus >= 0.90, figures.lines()
    for focus, share in figures.opener_share.items():
        if figures.opener_profiles[focus] >= MIN_GROUP:
            assert share <= 0.25, (focus, figures.lines())
    assert all(r.message["blocks"] for r in received)


def test_the_three_demo_personas(engine: Engine, coach: Coach) -> None:
    seed_demo(engine, as_of=START)
    demo = DemoConnector(engine)
    owners = [demo.find_owner_by_email(demo_manager_email(index)) for index in range(3)]
    personas = [demo.manager_stats(owner.crm_id, now=START) for owner in owners if owner]
    container = build_container(_settings(engine), engine=engine, answers=coach)

    received, figures = run_grid(
        delivery=container.delivery,
        profiles=personas,
        behaviours=("done", "ignore", "snooze"),
        start=START,
        weeks=8,
    )

    does, ignores, snoozes = sorted({r.manager_id for r in received})
    texts = {
        manager: [all_text(r.message) for r in received if r.manager_id == manager and r.kind == "nudge"]
        for manager in (does, ignores, snoozes)
    }
    # The one who does every task: from week 2 on the nudge reports verified results, start → now.
    assert any("→" in text and "reached" in text for text in texts[does][1:])
    assert figures.resends_after_reached == 0 and figures.max_open_tasks <= 2
    # The one who ignores everything: after three nudges without movement the approach changes.
    assert any(r.escalated for r in received if r.manager_id == ignores)
    assert any("change the approach" in text for text in texts[ignores])
    with Session(engine) as session:
        snoozed = session.scalars(select(PracticeTask).where(PracticeTask.manager_id == snoozes)).all()
    assert snoozed and all(t.response == "snoozed" for t in snoozed)
    for task in snoozed:  # Snooze moved each deadline by exactly a week
        lesson = coach.library.get(task.lesson_id, "en")
        assert lesson is not None and lesson.goal is not None
        assert task.deadline - task.assigned_at == timedelta(days=lesson.goal.deadline_days + 7)


def _settings(engine: Engine) -> Settings:
    url = engine.url.render_as_string(hide_password=False)
    return Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
