"""Deterministic demo data: a fictional sales org with managers, reps, deals and activities."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, text

from bot.store.base import Base
from bot.store.models import DemoActivity, DemoDeal, DemoOwner

# The first managers are named so the demo and the docs can refer to them.
NAMED_MANAGERS = (
    ("Anna", "Berger"),
    ("James", "Miller"),
    ("Sofia", "Rossi"),
)
FIRST_NAMES = (
    "Lukas",
    "Emma",
    "Noah",
    "Mia",
    "Elias",
    "Lena",
    "Paul",
    "Hannah",
    "Jonas",
    "Laura",
    "Olivia",
    "Liam",
    "Ava",
    "Ethan",
    "Chloe",
    "Mateo",
    "Zoe",
    "Felix",
    "Clara",
    "Leon",
)
LAST_NAMES = (
    "Huber",
    "Wagner",
    "Gruber",
    "Bauer",
    "Schmid",
    "Novak",
    "Brown",
    "Wilson",
    "Taylor",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "King",
    "Wright",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
)
COMPANIES = (
    "Alpenglanz",
    "Brightwater",
    "Donau Logistik",
    "Everfield",
    "Fjordline",
    "Granite Peak",
    "Harbor & Co",
    "Isarwerk",
    "Juniper Labs",
    "Kaiser Bau",
    "Lindenhof",
    "Meridian Foods",
    "Nordlicht Energie",
    "Oakridge",
    "Pinnacle Print",
    "Quellwasser",
    "Riverside Health",
    "Sonnberg",
)
PRODUCTS = ("Renewal", "Expansion", "Pilot", "Rollout", "Upgrade", "Service contract")
STAGES = ("Qualification", "Discovery", "Proposal", "Negotiation", "Commit")  # the demo pipeline, in order
NEXT_STEPS = (
    "Send proposal",
    "Book demo with IT",
    "Call CFO about budget",
    "Workshop on requirements",
    "Follow up on pricing",
    "Agree on pilot scope",
    "Reference call",
)
ACTIVITY_KINDS = ("call", "meeting", "email", "task")
BATCH = 10_000
_DEMO_TABLES = ", ".join(model.__tablename__ for model in (DemoActivity, DemoDeal, DemoOwner))


@dataclass(frozen=True, slots=True)
class SeedResult:
    managers: int
    reps: int
    deals: int
    activities: int


def seed_demo(
    engine: Engine,
    *,
    managers: int = 3,
    reps_per_manager: int = 4,
    deals: int = 240,
    seed: int = 42,
    as_of: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Replace the demo CRM's data. Same arguments (and as_of day) give the same data.

    on_progress is called with the number of deals written so far.
    """
    if managers < 1 or reps_per_manager < 0 or deals < 0:
        raise ValueError("managers must be at least 1; reps and deals cannot be negative")
    anchor = seed_anchor(as_of)
    rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not security
    owners = list(owner_rows(managers, reps_per_manager))
    owner_ids = [owner["id"] for owner in owners]
    activities = 0
    # Building indexes once at the end is several times faster than maintaining them per row.
    tables = [Base.metadata.tables[model.__tablename__] for model in (DemoDeal, DemoActivity)]
    secondary = [index for table in tables for index in table.indexes]
    with engine.begin() as connection:
        _empty(connection)
        for index in secondary:
            index.drop(connection)
        # Managers first: reps reference them.
        connection.execute(insert(DemoOwner), owners)
        pending_deals: list[dict[str, Any]] = []
        pending_activities: list[dict[str, Any]] = []
        for number in range(1, deals + 1):
            deal, deal_activities = deal_rows(rng, number, owner_ids, anchor)
            pending_deals.append(deal)
            pending_activities.extend(deal_activities)
            if len(pending_deals) >= BATCH:
                activities += _flush(connection, pending_deals, pending_activities, last=number)
                if on_progress:
                    on_progress(number)
        activities += _flush(connection, pending_deals, pending_activities, last=deals)
        for index in secondary:
            index.create(connection)
    if on_progress:
        on_progress(deals)
    return SeedResult(managers, managers * reps_per_manager, deals, activities)


def seed_anchor(as_of: datetime | None) -> datetime:
    return (as_of or datetime.now(UTC)).replace(hour=8, minute=0, second=0, microsecond=0)


def demo_manager_email(index: int) -> str:
    """E-mail of the index-th demo manager (0-based), e.g. for linking a Slack user."""
    first, last = _manager_name(index)
    return _email(first, last, index, "m")


def _empty(connection: Connection) -> None:
    """Delete the demo CRM. On PostgreSQL the id sequences start again too (undone on a rollback, unlike
    setval), so seeding twice gives the same row ids, as SQLite does by itself."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"TRUNCATE {_DEMO_TABLES} RESTART IDENTITY"))
        return
    for table in (DemoActivity, DemoDeal, DemoOwner):
        connection.execute(delete(table))


def _flush(
    connection: Connection, deals: list[dict[str, Any]], activities: list[dict[str, Any]], *, last: int
) -> int:
    """Write a batch of deals (numbered up to `last`) and their activities, whose deal_id is their deal's
    number until the database has handed out the deal's id."""
    if deals:
        # No explicit ids: the database hands them out, so PostgreSQL's sequence stays ahead of them.
        statement = insert(DemoDeal).returning(DemoDeal.id, sort_by_parameter_order=True)
        ids = connection.scalars(statement, deals).all()
        first = last - len(deals) + 1
        for activity in activities:
            activity["deal_id"] = ids[activity["deal_id"] - first]
    if activities:
        connection.execute(insert(DemoActivity), activities)
    count = len(activities)
    deals.clear()
    activities.clear()
    return count


def _manager_name(index: int) -> tuple[str, str]:
    if index < len(NAMED_MANAGERS):
        return NAMED_MANAGERS[index]
    return FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]


def _email(first: str, last: str, index: int, role: str) -> str:
    suffix = "" if role == "m" and index < len(NAMED_MANAGERS) else f".{role}{index}"
    return f"{first}.{last}{suffix}@example.com".lower()


def owner_rows(managers: int, reps_per_manager: int) -> Iterator[dict[str, Any]]:
    for m in range(managers):
        first, last = _manager_name(m)
        yield {
            "id": f"M{m + 1:05d}",
            "email": _email(first, last, m, "m"),
            "name": f"{first} {last}",
            "manager_id": None,
        }
    for m in range(managers):
        for r in range(reps_per_manager):
            index = m * reps_per_manager + r
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index * 7 + 3) % len(LAST_NAMES)]
            yield {
                "id": f"R{index + 1:06d}",
                "email": _email(first, last, index, "r"),
                "name": f"{first} {last}",
                "manager_id": f"M{m + 1:05d}",
            }


def deal_rows(
    rng: random.Random, number: int, owner_ids: list[str], anchor: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The deal `number` (1-based, its place in the seed) and its activities, which name it by that number."""
    # rng.random() arithmetic instead of randint/choice: seeding a million deals stays fast.
    r = rng.random
    owner_id = owner_ids[int(r() * len(owner_ids))]
    age_days = 1 + int(r() * 180)
    created = anchor - _DAYS[age_days] - _HOURS[int(r() * 10)]
    roll = r()
    status = "open" if roll < 0.7 else ("won" if roll < 0.85 else "lost")
    closed_at = None if status == "open" else min(anchor, created + _DAYS[5 + int(r() * 116)])
    close_date: date = (
        closed_at.date() if closed_at is not None else (anchor + _DAYS[int(r() * 121) - 30]).date()
    )
    # Managers log less than their reps: exactly the gap the coach works on.
    max_touches = 2 if owner_id[0] == "M" else 6
    touches = sorted(
        created + _DAYS[int(r() * age_days)] + _HOURS[int(r() * 9)]
        for _ in range(int(r() * (max_touches + 1)))
    )
    touches = [touch for touch in touches if touch <= anchor]
    company = COMPANIES[int(r() * len(COMPANIES))]
    deal = {
        "owner_id": owner_id,
        "name": f"{company} – {PRODUCTS[int(r() * len(PRODUCTS))]}",
        "company": company,
        "amount": Decimal(2_000 + 500 * int(r() * 296)),
        "currency": "EUR",
        "stage": STAGES[int(r() * len(STAGES))] if status == "open" else "closed",
        "status": status,
        "close_date": close_date,
        "next_step": NEXT_STEPS[int(r() * len(NEXT_STEPS))] if r() < 0.7 else None,
        "created_at": created,
        "last_activity_at": touches[-1] if touches else None,
        "closed_at": closed_at,
    }
    activities = [
        {"owner_id": owner_id, "deal_id": number, "kind": ACTIVITY_KINDS[int(r() * 4)], "occurred_at": touch}
        for touch in touches
    ]
    return deal, activities


_DAYS = {offset: timedelta(days=offset) for offset in range(-30, 181)}
_HOURS = [timedelta(hours=hour) for hour in range(10)]
