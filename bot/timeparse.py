"""Parsing the clock-time notations used in settings and /crmcoach settings ("09:00", "1,3", …)."""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from typing import NamedTuple

from bot.i18n import WEEKDAY_NAMES


class ClockRange(NamedTuple):
    """Local hours from `start` to `end`; the end may be before the start (overnight)."""

    start: time
    end: time


@lru_cache(maxsize=512)  # the same few notations, read for every manager on every tick
def parse_clock(text: str) -> time:
    """'9:00', '09:00' or '9' -> time(9, 0). Raises ValueError with a readable message."""
    cleaned = text.strip().lower().removesuffix("h").replace(".", ":")
    hours, _, minutes = cleaned.partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise ValueError(f"'{text}' is not a time of day like 09:00") from None


@lru_cache(maxsize=512)
def parse_range(text: str) -> ClockRange:
    """'08:00-18:00' -> (time(8), time(18)); the end may be before the start (overnight)."""
    start, separator, end = text.replace("–", "-").partition("-")
    if not separator:
        raise ValueError(f"'{text}' is not a range of hours like 08:00-18:00")
    first, last = parse_clock(start), parse_clock(end)
    if first == last:
        raise ValueError(f"'{text}' starts and ends at the same time")
    return ClockRange(first, last)


def parse_weekday(text: str) -> int:
    """'0'…'6', 'mon', 'Monday', 'Mo', 'Montag' -> 0 = Monday."""
    cleaned = text.strip().lower()
    if cleaned.isdigit() and 0 <= int(cleaned) <= 6:
        return int(cleaned)
    for names in WEEKDAY_NAMES.values():  # any language's names (CLDR, through Babel), or a prefix
        for number, name in enumerate(names):
            if len(cleaned) >= 2 and name.lower().startswith(cleaned):
                return number
    raise ValueError(f"'{text}' is not a weekday (0 = Monday … 6 = Sunday, or a name)")


@lru_cache(maxsize=512)
def parse_weekdays(text: str) -> tuple[int, ...]:
    days = tuple(sorted({parse_weekday(part) for part in text.split(",") if part.strip()}))
    if not days:
        raise ValueError("name at least one weekday")
    return days


@lru_cache(maxsize=512)
def parse_dates(text: str) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"'{text}' must be dates like 2026-12-24,2026-12-25") from None
