"""`crmcoach seed-demo` leaves the deal ids to the database: a deal added afterwards, the ordinary way,
gets an id of its own (on PostgreSQL from a sequence the seed must not run ahead of), and seeding again
still works, with every activity on its own deal."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.crm import demo_seed
from bot.crm.demo_seed import seed_demo
from bot.store.migrations import upgrade
from bot.store.models import DemoActivity, DemoDeal, DemoOwner
from tests.conftest import NOW
from tests.helpers import add_deal


def _deal_names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(DemoDeal.name).order_by(DemoDeal.id)))


def _activities_off_their_deal(engine: Engine) -> int:
    """Activities logged by someone other than their deal's owner, or after the deal's last activity:
    an activity linked to the wrong deal shows up as one of these."""
    with Session(engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(DemoActivity)
                .join(DemoDeal, DemoActivity.deal_id == DemoDeal.id)
                .where(
                    (DemoActivity.owner_id != DemoDeal.owner_id)
                    | (DemoActivity.occurred_at > DemoDeal.last_activity_at)
                )
            )
            or 0
        )


def _deals_whose_last_activity_is_logged(engine: Engine) -> int:
    with Session(engine) as session:
        latest = (
            select(DemoActivity.deal_id, func.max(DemoActivity.occurred_at).label("at"))
            .group_by(DemoActivity.deal_id)
            .subquery()
        )
        return (
            session.scalar(
                select(func.count())
                .select_from(DemoDeal)
                .join(latest, latest.c.deal_id == DemoDeal.id)
                .where(latest.c.at == DemoDeal.last_activity_at)
            )
            or 0
        )


def test_a_deal_added_after_seeding_gets_an_id_of_its_own(unmigrated: Engine) -> None:
    upgrade(unmigrated)  # a fresh database: its sequence has handed out nothing yet
    seed_demo(unmigrated, deals=50, as_of=NOW)

    add_deal(unmigrated, "Added")

    assert _deal_names(unmigrated)[-1] == "Added"
    assert len(_deal_names(unmigrated)) == 51


def test_seeding_again_replaces_the_data_and_keeps_activities_on_their_deals(unmigrated: Engine) -> None:
    upgrade(unmigrated)
    seed_demo(unmigrated, deals=50, as_of=NOW)
    first = _deal_names(unmigrated)
    add_deal(unmigrated, "Added between the seeds")

    result = seed_demo(unmigrated, deals=50, as_of=NOW)
    add_deal(unmigrated, "Added after")

    assert _deal_names(unmigrated) == [*first, "Added after"]
    with Session(unmigrated) as session:
        assert session.scalar(select(func.count()).select_from(DemoOwner)) == 3 + 12
        logged = session.scalar(
            select(func.count()).select_from(DemoActivity).where(DemoActivity.deal_id.is_not(None))
        )
    assert logged == result.activities > 0
    assert _activities_off_their_deal(unmigrated) == 0
    with Session(unmigrated) as session:
        touched = session.scalar(
            select(func.count()).select_from(DemoDeal).where(DemoDeal.last_activity_at.is_not(None))
        )
    assert _deals_whose_last_activity_is_logged(unmigrated) == touched


def _activities_by_deal(engine: Engine) -> list[tuple[object, ...]]:
    """Each activity with the name of the deal it is linked to."""
    with Session(engine) as session:
        rows = session.execute(
            select(DemoDeal.name, DemoActivity.owner_id, DemoActivity.kind, DemoActivity.occurred_at)
            .join(DemoDeal, DemoActivity.deal_id == DemoDeal.id)
            .order_by(DemoActivity.id)
        )
        return [tuple(row) for row in rows]


def test_deals_written_in_several_batches_keep_their_activities(
    unmigrated: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big seed is written 10,000 deals at a time; with batches of 7, twenty deals take three batches
    (the last one short) and must link every activity as one batch does."""
    upgrade(unmigrated)
    seed_demo(unmigrated, deals=20, as_of=NOW)
    in_one_batch = _activities_by_deal(unmigrated)

    monkeypatch.setattr(demo_seed, "BATCH", 7)
    result = seed_demo(unmigrated, deals=20, as_of=NOW)

    assert len(in_one_batch) == result.activities > 0
    assert _activities_by_deal(unmigrated) == in_one_batch
    assert _activities_off_their_deal(unmigrated) == 0
    assert len(_deal_names(unmigrated)) == 20
