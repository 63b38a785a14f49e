"""Import a CRM export (owners, deals, activities as CSV) into the local CRM tables, all or nothing.

Columns are matched by name; a mapping file (TOML) renames them for a particular CRM's export and
translates deal status values. Every problem is reported with file and line; nothing is written
unless the whole import is clean.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from bot.crm.base import DEFAULT_CURRENCY, currency_code
from bot.store.models import DemoActivity, DemoDeal, DemoOwner

FIELDS = {
    "owners": {"id": True, "email": True, "name": True, "manager_email": False},
    "deals": {
        "id": True,
        "name": True,
        "owner_email": True,
        "amount": False,
        "currency": False,
        "status": True,
        "close_date": False,
        "next_step": False,
        "stage": False,
        "created_at": True,
        "last_activity_at": False,
        "closed_at": False,
    },
    "activities": {"owner_email": True, "occurred_at": True, "deal_id": False, "type": False},
}
DEFAULT_STATUS = {"open": "open", "won": "won", "lost": "lost"}
MAX_REPORTED_ERRORS = 50
STAGE_LENGTH = 32  # demo_crm_deals.stage


class CsvImportError(Exception):
    """The import was refused; `errors` lists every problem as 'file:line: what'."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the CSV files; nothing was imported")


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> our field -> their column
    status: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STATUS))  # their value -> ours
    currency: str = DEFAULT_CURRENCY

    @classmethod
    def load(cls, path: Path | None) -> Mapping:
        if path is None:
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CsvImportError([f"{path}: cannot read the mapping ({exc})"]) from None
        status = {str(k).strip().lower(): str(v) for k, v in data.get("status", {}).items()}
        bad = sorted({v for v in status.values() if v not in DEFAULT_STATUS})
        if bad:
            raise CsvImportError([f"{path}: [status] values must be open, won or lost, not {', '.join(bad)}"])
        columns = {kind: {str(k): str(v) for k, v in data.get(kind, {}).items()} for kind in FIELDS}
        currency = currency_code(data.get("currency"), DEFAULT_CURRENCY)
        return cls(columns, status or dict(DEFAULT_STATUS), currency)


@dataclass(frozen=True, slots=True)
class ImportResult:
    owners: int
    deals: int
    activities: int


def import_csv(
    engine: Engine,
    *,
    owners: Path,
    deals: Path,
    activities: Path | None = None,
    mapping: Mapping | None = None,
) -> ImportResult:
    """Replace the local CRM's contents with the files' data. Raises CsvImportError and writes nothing."""
    mapping = mapping or Mapping()
    errors: list[str] = []
    owner_lines = list(_read(owners, "owners", mapping, errors, _owner))
    owner_rows = [row for _, row in owner_lines]
    owner_by_email = {row["email"]: row["id"] for row in owner_rows}
    _check_owner_refs(owners, owner_lines, owner_by_email, errors)
    deal_rows = [
        row for _, row in _read(deals, "deals", mapping, errors, _deal_parser(mapping, owner_by_email))
    ]
    _check_unique(deals, deal_rows, errors)
    activity_parser = _activity_parser(owner_by_email, {row["external_id"] for row in deal_rows})
    activity_rows = (
        [row for _, row in _read(activities, "activities", mapping, errors, activity_parser)]
        if activities
        else []
    )
    if errors:
        raise CsvImportError(errors)
    _fill_last_activity(deal_rows, activity_rows)
    with engine.begin() as connection:
        for table in (DemoActivity, DemoDeal, DemoOwner):
            connection.execute(delete(table))
        ordered = sorted(owner_rows, key=lambda row: row["manager_id"] is not None)  # managers first
        if ordered:
            connection.execute(insert(DemoOwner), ordered)
        if deal_rows:
            # No explicit ids: the database hands them out, so PostgreSQL's sequence stays ahead of them.
            connection.execute(insert(DemoDeal), deal_rows)
            _link_activities(connection, activity_rows)
        if activity_rows:
            connection.execute(insert(DemoActivity), activity_rows)
    return ImportResult(len(owner_rows), len(deal_rows), len(activity_rows))


Parser = Callable[[dict[str, str]], dict[str, Any]]


def _read(
    path: Path, kind: str, mapping: Mapping, errors: list[str], parse: Parser
) -> Iterator[tuple[int, dict[str, Any]]]:
    renamed = mapping.columns.get(kind, {})
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        errors.append(f"{path}: cannot open ({exc.strerror})")
        return
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        wanted = {ours: renamed.get(ours, ours) for ours in FIELDS[kind]}
        missing = [
            f"'{theirs}'" for ours, theirs in wanted.items() if FIELDS[kind][ours] and theirs not in header
        ]
        if missing:
            errors.append(f"{path}:1: missing column(s) {', '.join(missing)} (see docs/csv-import.md)")
            return
        for line, raw in enumerate(reader, start=2):
            values = {ours: (raw.get(theirs) or "").strip() for ours, theirs in wanted.items()}
            try:
                yield line, parse(values)
            except ValueError as exc:
                errors.append(f"{path}:{line}: {exc}")


def _owner(values: dict[str, str]) -> dict[str, Any]:
    _require(values, "id", "email", "name")
    if "@" not in values["email"]:
        raise ValueError(f"email '{values['email']}' is not an e-mail address")
    manager = values.get("manager_email", "").lower() or None
    return {
        "id": values["id"],
        "email": values["email"].lower(),
        "name": values["name"],
        "manager_id": manager,
    }


def _check_unique(path: Path, deals: list[dict[str, Any]], errors: list[str]) -> None:
    seen: set[str] = set()
    for deal in deals:
        if deal["external_id"] in seen:
            errors.append(f"{path}: deal id {deal['external_id']} appears more than once")
        seen.add(deal["external_id"])


def _check_owner_refs(
    path: Path, rows: list[tuple[int, dict[str, Any]]], by_email: dict[str, str], errors: list[str]
) -> None:
    seen: set[str] = set()
    for line, row in rows:
        if row["id"] in seen:
            errors.append(f"{path}:{line}: owner id {row['id']} appears twice")
        seen.add(row["id"])
        manager_email = row["manager_id"]  # still an e-mail here
        if manager_email is not None and manager_email not in by_email:
            errors.append(f"{path}:{line}: manager_email {manager_email} is not an owner in this file")
        row["manager_id"] = by_email.get(manager_email) if manager_email else None


def _deal_parser(mapping: Mapping, owner_by_email: dict[str, str]) -> Parser:
    def parse(values: dict[str, str]) -> dict[str, Any]:
        _require(values, "id", "name", "owner_email", "status", "created_at")
        status = mapping.status.get(values["status"].lower())
        if status is None:
            known = ", ".join(sorted(mapping.status))
            raise ValueError(f"status '{values['status']}' is unknown (known: {known}; map it in [status])")
        owner = owner_by_email.get(values["owner_email"].lower())
        if owner is None:
            raise ValueError(f"owner_email {values['owner_email']} is not in the owners file")
        close_date = _date(values, "close_date")
        closed_at = _datetime(values, "closed_at")
        if status != "open" and closed_at is None and close_date is not None:
            closed_at = datetime(close_date.year, close_date.month, close_date.day, tzinfo=UTC)
        created_at = _datetime(values, "created_at")
        return {
            "external_id": values["id"],
            "owner_id": owner,
            "name": values["name"][:255],
            "company": values["name"].split(" – ")[0][:255],
            "amount": _amount(values.get("amount", "")),
            "currency": currency_code(values.get("currency"), mapping.currency)[:3],
            # the stage's label as the CRM shows it; "" when the export has none
            "stage": values.get("stage", "").strip()[:STAGE_LENGTH],
            "status": status,
            "close_date": close_date or (created_at.date() if created_at else None),
            "next_step": values.get("next_step") or None,
            "created_at": created_at,
            "last_activity_at": _datetime(values, "last_activity_at"),
            "closed_at": closed_at,
        }

    return parse


def _activity_parser(owner_by_email: dict[str, str], deal_ids: set[str]) -> Parser:
    def parse(values: dict[str, str]) -> dict[str, Any]:
        _require(values, "owner_email", "occurred_at")
        owner = owner_by_email.get(values["owner_email"].lower())
        if owner is None:
            raise ValueError(f"owner_email {values['owner_email']} is not in the owners file")
        deal = values.get("deal_id") or None
        if deal is not None and deal not in deal_ids:
            raise ValueError(f"deal_id {deal} is not in the deals file")
        return {
            "owner_id": owner,
            "deal_id": deal,  # the CRM's id until _link_activities swaps in ours
            "kind": (values.get("type") or "task").lower()[:16],
            "occurred_at": _datetime(values, "occurred_at"),
        }

    return parse


def _link_activities(connection: Connection, activities: list[dict[str, Any]]) -> None:
    """Point each activity at its deal's id in our table, found by the CRM's id."""
    query = select(DemoDeal.external_id, DemoDeal.id).where(DemoDeal.external_id.is_not(None))
    ids: dict[str | None, int] = dict(connection.execute(query).all())
    for activity in activities:
        if activity["deal_id"] is not None:
            activity["deal_id"] = ids[activity["deal_id"]]


def _fill_last_activity(deals: list[dict[str, Any]], activities: list[dict[str, Any]]) -> None:
    """Exports often lack a last-activity column; derive it from the activities file."""
    latest: dict[str, datetime] = {}
    for activity in activities:
        if activity["deal_id"] is not None:
            current = latest.get(activity["deal_id"])
            if current is None or activity["occurred_at"] > current:
                latest[activity["deal_id"]] = activity["occurred_at"]
    for deal in deals:
        if deal["last_activity_at"] is None:
            deal["last_activity_at"] = latest.get(deal["external_id"])


def _require(values: dict[str, str], *names: str) -> None:
    empty = [name for name in names if not values.get(name)]
    if empty:
        raise ValueError(f"{', '.join(empty)} is empty")


def _amount(text: str) -> Decimal:
    if not text:
        return Decimal(0)
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # 1234,50 from a German export
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"amount '{text}' is not a number") from None


def _date(values: dict[str, str], name: str) -> date | None:
    moment = _datetime(values, name)
    return moment.date() if moment else None


def _datetime(values: dict[str, str], name: str) -> datetime | None:
    text = values.get(name, "")
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} '{text}' is not a date (use YYYY-MM-DD or ISO 8601)") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
