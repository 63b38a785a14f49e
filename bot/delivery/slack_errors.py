"""What each Slack error on chat.postMessage means for the outbox, in one table.

- RATE_LIMITED: turned away before anything happened; the row waits for Retry-After.
- RETRY: Slack (or the way to it) failed and may or may not have posted: retried as uncertain, so the
  next attempt first looks for the message in the conversation.
- UNREACHABLE: Slack cannot reach the person or the conversation; nothing more is planned for them.
- FIX_CONFIG: the bot is set up wrong for this conversation; a person has to fix it.
- GIVE_UP: the message itself is wrong; retrying cannot fix it.

Unknown errors and 5xx count as RETRY: giving up on a message Slack might still take is worse than
trying again until the row's deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Meaning(Enum):
    RATE_LIMITED = "rate_limited"
    RETRY = "retry"
    UNREACHABLE = "unreachable"
    FIX_CONFIG = "fix_config"
    GIVE_UP = "give_up"

    @property
    def final(self) -> bool:
        """The row fails at once: no later attempt can succeed."""
        return self in (Meaning.UNREACHABLE, Meaning.FIX_CONFIG, Meaning.GIVE_UP)


@dataclass(frozen=True, slots=True)
class SlackError:
    meaning: Meaning
    # For a broadcast: the message key that tells the coach what to do (None: "broadcast.failed").
    coach_key: str | None = None


ERRORS: dict[str, SlackError] = {
    "ratelimited": SlackError(Meaning.RATE_LIMITED),
    # The person or the conversation is gone for the bot.
    "user_not_found": SlackError(Meaning.UNREACHABLE),
    "account_inactive": SlackError(Meaning.UNREACHABLE),
    "user_disabled": SlackError(Meaning.UNREACHABLE),
    "cannot_dm_bot": SlackError(Meaning.UNREACHABLE),
    "is_archived": SlackError(Meaning.UNREACHABLE, "broadcast.is_archived"),
    "channel_not_found": SlackError(Meaning.UNREACHABLE, "broadcast.channel_not_found"),
    # Someone has to invite the bot first.
    "not_in_channel": SlackError(Meaning.FIX_CONFIG, "broadcast.not_in_channel"),
    # The message is wrong.
    "invalid_blocks": SlackError(Meaning.GIVE_UP, "broadcast.too_long"),
    "msg_too_long": SlackError(Meaning.GIVE_UP, "broadcast.too_long"),
    "no_text": SlackError(Meaning.GIVE_UP),
    "invalid_metadata_format": SlackError(Meaning.GIVE_UP),
}
UNKNOWN = SlackError(Meaning.RETRY)


def slack_error(error: str, *, status: int = 200) -> SlackError:
    """What `error` (Slack's error code; HTTP `status`) means; 429 is a rate limit whatever its code."""
    if status == 429:
        return ERRORS["ratelimited"]
    return ERRORS.get(error, UNKNOWN)


def coach_message_key(error: str) -> str:
    """The message that tells a coach why a broadcast was not posted, and what to do about it."""
    return slack_error(error).coach_key or "broadcast.failed"
