"""What the Slack stand-in's own tests share: a settable clock and the error a call raises."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

METADATA = {"event_type": "crmcoach_delivery", "event_payload": {"idempotency_key": "weekly:M1:2026-W48"}}


def api_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def error_of(call: Any) -> str:
    return str(api_error(call).response["error"])
