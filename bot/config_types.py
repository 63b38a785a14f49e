"""The value types of settings: what an environment string becomes once, at start-up.

Each type accepts the notation of the environment ("09:00", "1,3", "08:00-18:00", …) and its own parsed
value (so validated settings can be validated again with a few values replaced); `env_text` turns a value
back into that notation for the docs and for `Settings.replaced`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from bot.timeparse import ClockRange, parse_clock, parse_dates, parse_range, parse_weekday, parse_weekdays


class Group(BaseModel):
    """A group of settings; each field's alias is its environment variable, its description the fix hint."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class CoachId(NamedTuple):
    team: str  # "" = the bot token's workspace
    user: str


def _from_text(parse: Callable[[str], Any]) -> BeforeValidator:
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


def _timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{name}' is not an IANA timezone such as Europe/Vienna") from None


def _same_day(window: ClockRange) -> ClockRange:
    if window.end < window.start:
        raise ValueError("the delivery window must start and end on the same day, like 08:00-18:00")
    return window


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def is_slack_id(text: str, prefixes: str) -> bool:
    return text[:1] in prefixes and len(text) > 2 and text[1:].isalnum() and text.isupper()


def _coach_ids(text: str) -> tuple[CoachId, ...]:
    ids = []
    for part in _parts(text):
        team, _, user = part.rpartition(":")
        if not is_slack_id(user, "UW") or (team and not is_slack_id(team, "TE")):
            raise ValueError(f"'{part}' is not a Slack user id like U012AB3CD or T012AB3CD:U012AB3CD")
        ids.append(CoachId(team, user))
    return tuple(ids)


def _team_ids(text: str) -> tuple[str, ...]:
    for part in _parts(text):
        if not is_slack_id(part, "TE"):
            raise ValueError(f"'{part}' is not a Slack team id like T012AB3CD")
    return tuple(_parts(text))


def _optional_range(text: str) -> ClockRange | None:
    return parse_range(text) if text.strip() else None


ClockTime = Annotated[time, _from_text(parse_clock)]
Weekday = Annotated[int, _from_text(parse_weekday)]
Weekdays = Annotated[tuple[int, ...], _from_text(parse_weekdays)]
Dates = Annotated[frozenset[date], _from_text(parse_dates)]
Window = Annotated[ClockRange, _from_text(parse_range), AfterValidator(_same_day)]
OptionalWindow = Annotated[ClockRange | None, _from_text(_optional_range)]
TimeZone = Annotated[ZoneInfo, _from_text(_timezone)]
CoachIds = Annotated[tuple[CoachId, ...], _from_text(_coach_ids)]
TeamIds = Annotated[tuple[str, ...], _from_text(_team_ids)]


def env_text(value: object) -> str:
    """A parsed value in the notation of the environment ("" for unset)."""
    match value:
        case None:
            text = ""
        case bool():
            text = "true" if value else "false"
        case time():
            text = value.strftime("%H:%M")
        case ClockRange(start, end):
            text = f"{env_text(start)}-{env_text(end)}"
        case CoachId(team, user):
            text = f"{team}:{user}" if team else user
        case tuple() | frozenset():
            text = ",".join(env_text(item) for item in sorted(value))
        case ZoneInfo():
            text = value.key
        case float() if value.is_integer():
            text = str(int(value))
        case Path() | date() | int() | float() | str():
            text = str(value)
        case _:
            raise TypeError(f"no environment notation for {type(value).__name__}")
    return text
