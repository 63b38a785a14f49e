"""Salesforce failures as CRMErrors: a short sentence for people, Salesforce's own words in `detail` for logs.

REST errors come as a JSON list, e.g. HTTP 401 [{"message": "Session expired or invalid",
"errorCode": "INVALID_SESSION_ID"}]; simple-salesforce raises one exception class per status with that
list as `content`. The SOAP login answers with a fault (exceptionCode, exceptionMessage) instead.
"""

from __future__ import annotations

import re
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError

from bot.crm.base import (
    CRMAuthError,
    CRMError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.salesforce_http import ApiUsage, DailyAllocationReserved

DETAIL_LIMIT = 500
_NO_SUCH_COLUMN = re.compile(r"No such column '([\w.]+)' on entity '(\w+)'")
_UNSUPPORTED_TYPE = re.compile(r"sObject type '(\w+)' is not supported")
API_ACCESS_CODES = {
    "API_DISABLED_FOR_ORG": "API access is not enabled for your Salesforce org: it needs Enterprise, "
    "Unlimited, Performance or Developer Edition, or the API add-on.",
    "API_CURRENTLY_DISABLED": "The Salesforce user CRM Coach signs in as lacks the 'API Enabled' permission.",
}
READ_ACCESS = (
    "The Salesforce user CRM Coach signs in as may not read users, opportunities, tasks and events; "
    "ask your Salesforce admin for read access."
)


class FieldNotReadable(CRMPermissionError):
    """A field the query names does not exist for this user (missing, or hidden by field-level security)."""

    def __init__(self, user_message: str, *, entity: str, field: str, detail: str | None = None) -> None:
        super().__init__(user_message, detail=detail)
        self.entity = entity
        self.field = field


def error_codes(content: Any) -> list[tuple[str, str]]:
    """(errorCode, message) pairs from a REST error body; empty when the body has another shape."""
    items = content if isinstance(content, list) else [content]
    return [
        (str(item.get("errorCode") or ""), str(item.get("message") or ""))
        for item in items
        if isinstance(item, dict)
    ]


def error_from_response(status: int, content: Any, *, retry_after: float | None = None) -> CRMError:
    """The CRMError for a failed REST response (or composite subresponse)."""
    codes = error_codes(content)
    code, message = codes[0] if codes else ("", "")
    detail = _clip(f"HTTP {status} {code}: {message or content!r}")
    if status == 401:
        return CRMAuthError(
            "Salesforce did not accept CRM Coach's session (the access token expired or was revoked). "
            "Set a fresh SALESFORCE_ACCESS_TOKEN, or SALESFORCE_USERNAME, _PASSWORD and _SECURITY_TOKEN "
            "so CRM Coach can sign in by itself.",
            detail=detail,
        )
    if status == 403:
        return _refused(code, message, detail)
    if status == 400:
        return _bad_request(code, message, detail)
    return _other_status(status, detail, retry_after=retry_after)


def error_from_salesforce(error: SalesforceError, *, retry_after: float | None = None) -> CRMError:
    """The CRMError for any simple-salesforce exception, the login's included."""
    if isinstance(error, SalesforceAuthenticationFailed):
        return _login_failed(error)
    return error_from_response(error.status, error.content, retry_after=retry_after)


def error_from_transport(error: requests.RequestException, *, timeout: float) -> CRMError:
    """Timeouts, refused connections, TLS failures and unreadable JSON: Salesforce is unavailable to us."""
    detail = _clip(f"{type(error).__name__}: {error}")
    if isinstance(error, requests.JSONDecodeError):
        message = "Salesforce sent an answer CRM Coach could not read; please try again later."
    elif isinstance(error, requests.Timeout):
        message = f"Salesforce did not answer within {timeout:g} seconds; please try again in a few minutes."
    elif isinstance(error, requests.exceptions.SSLError):
        message = "CRM Coach could not verify Salesforce's TLS certificate, so it did not connect."
    else:
        message = "CRM Coach cannot reach Salesforce right now; please try again in a few minutes."
    return CRMUnavailableError(message, detail=detail)


def daily_allocation_error(usage: ApiUsage, *, detail: str | None = None) -> CRMRateLimitedError:
    return CRMRateLimitedError(
        f"Your Salesforce org has used {usage.used:,} of its {usage.total:,} daily API requests; CRM Coach "
        "holds back to leave the rest to your other tools. The allocation is a rolling 24 hours.",
        detail=detail,
    )


def reserved_error(error: DailyAllocationReserved) -> CRMRateLimitedError:
    return daily_allocation_error(error.usage, detail=f"held back before sending: {error}")


def _other_status(status: int, detail: str, *, retry_after: float | None) -> CRMError:
    if status == 429:
        return CRMRateLimitedError(
            "Salesforce asked CRM Coach to slow down; please try again in a moment.",
            retry_after=retry_after,
            detail=detail,
        )
    if status == 404:
        return CRMError(
            "Salesforce has no such API address; check SALESFORCE_INSTANCE_URL and SALESFORCE_API_VERSION.",
            detail=detail,
        )
    if status >= 500:
        return CRMUnavailableError(
            f"Salesforce is not answering right now (HTTP {status}); please try again in a few minutes.",
            detail=detail,
        )
    return CRMError(f"Salesforce refused the request (HTTP {status}).", detail=detail)


def _refused(code: str, message: str, detail: str) -> CRMError:
    if code == "REQUEST_LIMIT_EXCEEDED":
        if "TotalRequests" in message or not message:
            return CRMRateLimitedError(
                "Your Salesforce org has used up its daily API request allocation (a rolling 24 hours); "
                "CRM Coach can fetch numbers again once earlier requests age out.",
                detail=detail,
            )
        # ConcurrentPerOrgLongTxn and friends: too many slow requests at once, which passes quickly.
        return CRMRateLimitedError(
            "Salesforce is busy with too many long-running requests from your org; try again in a minute.",
            retry_after=60.0,
            detail=detail,
        )
    return CRMPermissionError(API_ACCESS_CODES.get(code, READ_ACCESS), detail=detail)


def _bad_request(code: str, message: str, detail: str) -> CRMError:
    if code == "INVALID_FIELD" and (column := _NO_SUCH_COLUMN.search(message)):
        field, entity = column.group(1), column.group(2)
        return FieldNotReadable(
            f"CRM Coach may not read the Salesforce field {entity}.{field}; ask your Salesforce admin "
            "for read access to it (field-level security).",
            entity=entity,
            field=field,
            detail=detail,
        )
    if code == "INVALID_TYPE" and (unsupported := _UNSUPPORTED_TYPE.search(message)):
        return CRMPermissionError(
            f"CRM Coach may not read Salesforce {unsupported.group(1)} records; {READ_ACCESS}",
            detail=detail,
        )
    return CRMError(
        f"Salesforce refused CRM Coach's query ({code or 'HTTP 400'}); this is a bug in CRM Coach.",
        detail=detail,
    )


def _login_failed(error: SalesforceAuthenticationFailed) -> CRMError:
    code, message = error.code, error.auth_message
    detail = _clip(f"login failed: {code}: {message}")
    if isinstance(code, int):  # no SOAP fault at all: an HTML error page or a gateway
        return CRMUnavailableError(
            f"Salesforce's login service is not answering (HTTP {code}); please try again later.",
            detail=detail,
        )
    if code in API_ACCESS_CODES:
        return CRMPermissionError(API_ACCESS_CODES[code], detail=detail)
    if code == "REQUEST_LIMIT_EXCEEDED":
        return CRMRateLimitedError(
            "Salesforce refuses more sign-ins for now (login rate limit); please try again later.",
            detail=detail,
        )
    return CRMAuthError(
        "Salesforce rejected CRM Coach's sign-in: check SALESFORCE_USERNAME, SALESFORCE_PASSWORD and "
        "SALESFORCE_SECURITY_TOKEN (a new token is e-mailed whenever the password changes), and "
        "SALESFORCE_DOMAIN (test for a sandbox).",
        detail=detail,
    )


def _clip(text: str) -> str:
    return text if len(text) <= DETAIL_LIMIT else text[: DETAIL_LIMIT - 1] + "…"
