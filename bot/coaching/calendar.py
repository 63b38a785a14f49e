"""When a manager's messages fall due: local weekday and time, moved out of weekends, holidays,
quiet hours and off-window hours — correct across daylight-saving changes. Pure functions, UTC out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_SHIFT_DAYS = 21  # a slot that cannot be placed within three weeks is not placed at all


@dataclass(frozen=True, slots=True)
class Rules:
    """Where messages may land, in the manager's local time."""

    window: tuple[time, time] = (time(8), time(18))
    quiet: tuple[time, time] | None = None
    skip_weekends: bool = True
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str  # nudge | lesson
    weekday: int  # 0 = Monday
    at: time


@dataclass(frozen=True, slots=True)
class Due:
    slot: Slot
    period: str  # unique per manager and kind: 2026-W48 (nudge) or 2026-W48-d1 (lesson on Tuesday)
    week: str  # ISO week of the scheduled local date: the message budget counts per week
    scheduled_at: datetime  # UTC, as the schedule says
    due_at: datetime  # UTC, after moving out of weekends, holidays and quiet hours


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time. fold=0 gives what people expect on both DST nights:
    a time skipped by spring-forward moves forward by the jump (02:30 → 03:30), and a time repeated
    by fall-back is its first occurrence only."""
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def due_between(
    slots: list[Slot], tz: ZoneInfo, rules: Rules, start: datetime, end: datetime
) -> Iterator[Due]:
    """Every slot whose (moved) due time lies in (start, end]."""
    first_day = (start.astimezone(tz) - timedelta(days=MAX_SHIFT_DAYS)).date()
    last_day = end.astimezone(tz).date()
    for slot in slots:
        day = first_day + timedelta(days=(slot.weekday - first_day.weekday()) % 7)
        while day <= last_day:
            scheduled = local_to_utc(day, slot.at, tz)
            due = first_allowed(scheduled, tz, rules)
            if due is not None and start < due <= end:
                yield Due(slot, _period(slot, day), iso_week(day), scheduled, due)
            day += timedelta(days=7)


def first_allowed(moment: datetime, tz: ZoneInfo, rules: Rules) -> datetime | None:
    """The first instant at or after `moment` that is on an allowed day, inside the window and outside
    quiet hours; None if there is none within MAX_SHIFT_DAYS."""
    local = moment.astimezone(tz)
    wall_clock = local.time().replace(tzinfo=None)
    # On a later day keep the manager's chosen time of day when the window allows it.
    later_days = wall_clock if _inside(wall_clock, rules.window) else time(0)
    for offset in range(MAX_SHIFT_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if not _allowed_day(day, rules):
            continue
        earliest = wall_clock if offset == 0 else later_days
        candidate = _first_allowed_time(earliest, rules)
        if candidate is not None:
            return local_to_utc(day, candidate, tz)
    return None


def _allowed_day(day: date, rules: Rules) -> bool:
    return not (rules.skip_weekends and day.weekday() >= 5) and day not in rules.holidays


def _first_allowed_time(earliest: time, rules: Rules) -> time | None:
    """The first time of day >= earliest inside the window and outside quiet hours, or None today."""
    window_start, window_end = rules.window
    candidate = max(earliest, window_start)
    if rules.quiet is not None and _inside(candidate, rules.quiet):
        quiet_end = rules.quiet[1]
        if quiet_end <= candidate:  # quiet hours run past midnight: nothing left today
            return None
        candidate = quiet_end
    return candidate if candidate < window_end else None


def _inside(moment: time, span: tuple[time, time]) -> bool:
    start, end = span
    return start <= moment < end if start < end else (moment >= start or moment < end)


def _period(slot: Slot, day: date) -> str:
    week = iso_week(day)
    return week if slot.kind == "nudge" else f"{week}-d{slot.weekday}"
