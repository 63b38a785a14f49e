"""Salesforce connector: users, opportunities, tasks and events over the REST API, via simple-salesforce.

Requests per snapshot: one SOQL query for users (cached by SnapshotConnector), one for opportunities and
one composite call carrying the Task and Event queries (a composite call counts as a single request
against the org's daily allocation), plus one request per further batch of 2,000 records.

Choices worth knowing:
- A manager's team is User.ManagerId.
- closed_at is CloseDate at 00:00 UTC: Salesforce has no "closed on" timestamp, and CloseDate is what
  its own won/lost reports count by; the query asks for closed deals by the same field.
- Dates (CloseDate, LastActivityDate, Task.ActivityDate) carry no time zone; they are read as UTC days.
- Activities are completed tasks (logged calls, e-mails, tasks; by ActivityDate, or CreatedDate when a
  task has no date) and events (meetings, by StartDateTime).
- Stages: Opportunity.StageName (the stage's ApiName); labels and order from the OpportunityStage
  object (MasterLabel, SortOrder), one query per stats run.
- Currency: CurrencyIsoCode exists only in multi-currency orgs. The first deal query asks for it; if
  Salesforce says there is no such column, the org is single-currency, and every deal gets the org's
  Organization.DefaultCurrencyIsoCode (one extra query, once per connector).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession
from simple_salesforce.login import SalesforceLogin

from bot.crm.base import (
    DEFAULT_CURRENCY,
    ActivityRecord,
    CRMAuthError,
    CRMError,
    CRMRateLimitedError,
    CRMUnavailableError,
    DealRecord,
    DealStage,
    Owner,
    currency_code,
)
from bot.crm.mirror import Changes, MirrorStore
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.roster import Roster
from bot.crm.salesforce_errors import (
    FieldNotReadable,
    error_from_response,
    error_from_salesforce,
    error_from_transport,
    reserved_error,
)
from bot.crm.salesforce_http import ApiUsage, DailyAllocationReserved, SalesforceSession
from bot.crm.salesforce_records import (
    Record,
    deal_from,
    event_from,
    next_records_url,
    owned_by,
    owner_filter,
    owner_from,
    parsed,
    records_of,
    soql,
    soql_datetime,
    stages_from,
    subresponses,
    task_from,
    utc,
)
from bot.crm.snapshot import SnapshotConnector

T = TypeVar("T")
log = logging.getLogger(__name__)

# Salesforce documents no per-second rate, only the rolling 24-hour allocation (guarded through
# Sforce-Limit-Info, see SalesforceSession) and 25 concurrent long-running requests. This steady pace
# keeps a bulk run from bursting and is where a Retry-After pause holds every caller back.
DEFAULT_REQUESTS_PER_WINDOW = 25
PACE_WINDOW_SECONDS = 1.0

USER_FIELDS = "Id, Email, Name, ManagerId"
DEAL_FIELDS = (
    "Id, Name, OwnerId, Amount, IsClosed, IsWon, CloseDate, NextStep, CreatedDate, LastActivityDate, "
    "StageName"
)
STAGE_FIELDS = "ApiName, MasterLabel, SortOrder, IsClosed, IsActive"
TASK_FIELDS = "Id, OwnerId, WhatId, What.Type, ActivityDate, CreatedDate, TaskSubtype"
EVENT_FIELDS = "Id, OwnerId, WhatId, What.Type, StartDateTime"


class SalesforceConnector(SnapshotConnector):
    display_name = "Salesforce"

    def __init__(
        self,
        *,
        instance_url: str | None = None,
        access_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        security_token: str | None = None,
        domain: str = "login",
        login_url: str | None = None,
        api_version: str = "62.0",
        timeout: float = 10.0,
        verify: bool | str = True,
        limiter: SlidingWindowLimiter | None = None,
        attempts: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        max_daily_usage: float | None = 0.9,
        stale_days: int = 14,
        roster: Roster | None = None,
        mirror_store: MirrorStore | None = None,
    ) -> None:
        """Either instance_url + access_token, or username + password (+ security_token) to sign in.

        login_url replaces https://{domain}.salesforce.com for the sign-in (a stand-in in tests);
        verify is a CA bundle path for a private certificate, or True for the system's trust store.
        """
        super().__init__(stale_days=stale_days, roster=roster, mirror_store=mirror_store)
        if not (access_token and instance_url) and not (username and password):
            raise ValueError("give instance_url + access_token, or username + password")
        self._instance_url = instance_url
        self._access_token = access_token
        self._credentials = (username, password, security_token)
        self._domain = domain
        self._login_url = login_url
        self.api_version = api_version.removeprefix("v")
        self.timeout = timeout
        self.limiter = limiter or SlidingWindowLimiter(DEFAULT_REQUESTS_PER_WINDOW, PACE_WINDOW_SECONDS)
        self._http = SalesforceSession(
            timeout=timeout,
            limiter=self.limiter,
            verify=verify,
            on_send=self._count_request,
            attempts=attempts,
            backoff=backoff,
            max_retry_after=max_retry_after,
            max_daily_usage=max_daily_usage,
        )
        self._lock = threading.Lock()  # guards signing in
        self._count_lock = threading.Lock()
        self._client: Salesforce | None = None
        self._multi_currency: bool | None = None  # unknown until the first deal query
        self._org_currency = DEFAULT_CURRENCY

    @property
    def api_usage(self) -> ApiUsage | None:
        """The org's API requests in the last 24 hours / its allocation, as Salesforce last reported."""
        return self._http.api_usage

    def close(self) -> None:
        self._http.close()

    # --- the three fetches ---------------------------------------------------------------------
    def fetch_owners(self) -> list[Owner]:
        records = self._query(soql(USER_FIELDS, "User", "IsActive = true"))
        return parsed(records, owner_from)

    def fetch_deals(self, *, owner_ids: Sequence[str] | None, closed_since: datetime) -> list[DealRecord]:
        if owner_ids is not None and not owner_ids:
            return []
        where = f"(IsClosed = false OR CloseDate >= {utc(closed_since).date().isoformat()})"
        where += owner_filter(owner_ids)
        records = self._deals_with_currency(where) if self._multi_currency is not False else None
        if records is None:
            records = self._query(soql(DEAL_FIELDS, "Opportunity", where))
        deals = parsed(records, lambda record: deal_from(record, default_currency=self._org_currency))
        return owned_by(deals, owner_ids)

    def fetch_activities(self, *, owner_ids: Sequence[str] | None, since: datetime) -> list[ActivityRecord]:
        if owner_ids is not None and not owner_ids:
            return []
        since = utc(since)
        owners = owner_filter(owner_ids)
        day, moment = since.date().isoformat(), soql_datetime(since)
        results = self._query_together(
            {
                "tasks": soql(
                    TASK_FIELDS,
                    "Task",
                    f"IsClosed = true AND (ActivityDate >= {day} OR "
                    f"(ActivityDate = null AND CreatedDate >= {moment})){owners}",
                ),
                "events": soql(EVENT_FIELDS, "Event", f"StartDateTime >= {moment}{owners}"),
            }
        )
        activities = parsed(results["tasks"], task_from) + parsed(results["events"], event_from)
        return owned_by(activities, owner_ids)

    def fetch_stages(self) -> list[DealStage]:
        records = self._query(soql(STAGE_FIELDS, "OpportunityStage"))
        try:
            return stages_from(records)
        except (KeyError, TypeError) as error:
            raise CRMUnavailableError(
                "Salesforce sent records CRM Coach could not read; please try again later.",
                detail=f"unreadable OpportunityStage: {error!r}",
            ) from error

    def fetch_changes(self, *, since: datetime, now: datetime) -> Changes | None:
        """Opportunities, tasks and events modified since `since` (SystemModstamp), in one composite call
        (in a new process, the deal query goes first, alone, to learn whether the org has currencies).

        queryAll also returns deleted records (IsDeleted, for 15 days in the recycle bin: far longer
        than the week between full reads); they, and tasks reopened since, leave the counts.
        """
        changed = f"SystemModstamp > {soql_datetime(since)}"
        queries = {
            "tasks": soql(f"{TASK_FIELDS}, IsClosed, IsDeleted", "Task", changed),
            "events": soql(f"{EVENT_FIELDS}, IsDeleted", "Event", changed),
        }
        if self._multi_currency is None:  # a new process: learn the org's currency on the way
            changed_deals = self._deals_with_currency(changed, extra=", IsDeleted", include_deleted=True)
            if changed_deals is None:
                changed_deals = self._query(
                    soql(f"{DEAL_FIELDS}, IsDeleted", "Opportunity", changed), include_deleted=True
                )
            results = {"deals": changed_deals, **self._query_together(queries, include_deleted=True)}
        else:
            deal_fields = f"{DEAL_FIELDS}, CurrencyIsoCode" if self._multi_currency else DEAL_FIELDS
            queries["deals"] = soql(f"{deal_fields}, IsDeleted", "Opportunity", changed)
            results = self._query_together(queries, include_deleted=True)
        deals = [r for r in results["deals"] if not r.get("IsDeleted")]
        tasks = [r for r in results["tasks"] if not r.get("IsDeleted") and r.get("IsClosed")]
        events = [r for r in results["events"] if not r.get("IsDeleted")]
        kept = {str(r["Id"]) for r in (*tasks, *events)}
        return Changes(
            deals=tuple(parsed(deals, lambda record: deal_from(record, default_currency=self._org_currency))),
            activities=tuple(parsed(tasks, task_from) + parsed(events, event_from)),
            removed_deal_ids=frozenset(str(r["Id"]) for r in results["deals"] if r.get("IsDeleted")),
            removed_activity_ids=frozenset(
                str(r["Id"]) for r in (*results["tasks"], *results["events"]) if str(r["Id"]) not in kept
            ),
        )

    # --- talking to Salesforce -------------------------------------------------------------------
    def _deals_with_currency(
        self, where: str, *, extra: str = "", include_deleted: bool = False
    ) -> list[Record] | None:
        """Opportunities with CurrencyIsoCode; None, and the org's currency noted, in single-currency orgs."""
        try:
            records = self._query(
                soql(f"{DEAL_FIELDS}, CurrencyIsoCode{extra}", "Opportunity", where),
                include_deleted=include_deleted,
            )
        except FieldNotReadable as error:
            if (error.entity, error.field) != ("Opportunity", "CurrencyIsoCode"):
                raise
            self._org_currency = self._fetch_org_currency()
            self._multi_currency = False
            return None
        self._multi_currency = True
        return records

    def _fetch_org_currency(self) -> str:
        """The org's currency; DEFAULT_CURRENCY when the user may not read the Organization.

        An optional lookup: amounts and counts do not depend on it, so a refusal must not stop a refresh.
        Sign-in, rate-limit and outage errors still do, as they would stop the next query anyway.
        """
        try:
            records = self._query(soql("DefaultCurrencyIsoCode", "Organization"))
        except (CRMAuthError, CRMRateLimitedError, CRMUnavailableError):
            raise
        except CRMError as error:
            log.warning(
                "Salesforce did not let CRM Coach read the organisation's currency; using %s: %s",
                DEFAULT_CURRENCY,
                error,
            )
            return DEFAULT_CURRENCY
        code = records[0].get("DefaultCurrencyIsoCode") if records else None
        return currency_code(code, DEFAULT_CURRENCY)

    def _query(self, statement: str, *, include_deleted: bool = False) -> list[Record]:
        """Every record of a SOQL query; simple-salesforce follows nextRecordsUrl batch by batch."""
        result = self._call(lambda client: client.query_all(statement, include_deleted=include_deleted))
        return records_of(result)

    def _query_together(
        self, queries: dict[str, str], *, include_deleted: bool = False
    ) -> dict[str, list[Record]]:
        """Several queries (at most 5) per composite call; later batches of each also travel together.

        include_deleted: queryAll, which also returns records in the recycle bin (IsDeleted = true).
        """
        path = f"/services/data/v{self.api_version}/{'queryAll' if include_deleted else 'query'}"
        pending = {ref: f"{path}?{urlencode({'q': statement})}" for ref, statement in queries.items()}
        records: dict[str, list[Record]] = {ref: [] for ref in queries}
        while pending:
            body = {
                "allOrNone": False,
                "compositeRequest": [
                    {"method": "GET", "url": url, "referenceId": ref} for ref, url in pending.items()
                ],
            }
            answer = self._call(partial(_composite, body=body))
            pending = {}
            for ref, status, result in subresponses(answer, expected=set(records)):
                if status >= 300:
                    raise error_from_response(status, result)
                records[ref].extend(records_of(result))
                if not result.get("done", True):
                    pending[ref] = next_records_url(result)
        return records

    def _call(self, request: Callable[[Salesforce], T]) -> T:
        """Run one simple-salesforce call, signing in again once if a password session expired."""
        for attempt in (1, 2):
            client = None
            try:
                client = self._signed_in()
                return request(client)
            except SalesforceExpiredSession as error:
                if attempt == 2 or self._access_token:
                    raise error_from_salesforce(error) from error
                with self._lock:
                    if self._client is client:
                        self._client = None  # the next attempt signs in again
            except SalesforceError as error:
                raise error_from_salesforce(error, retry_after=self._http.last_retry_after()) from error
            except DailyAllocationReserved as error:
                raise reserved_error(error) from error
            except requests.RequestException as error:
                raise error_from_transport(error, timeout=self.timeout) from error
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _signed_in(self) -> Salesforce:
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self) -> Salesforce:
        # parse_float=Decimal: amounts must not pass through binary floats.
        if self._access_token and self._instance_url:
            return Salesforce(
                instance_url=self._instance_url,
                session_id=self._access_token,
                version=self.api_version,
                session=self._http,
                parse_float=Decimal,
            )
        username, password, security_token = self._credentials
        # Signing in here rather than through Salesforce(username=...) lets tests point login_url at a
        # stand-in, works without a security token (orgs that trust the server's IP) and leaves the
        # re-sign-in after an expired session to _call, where it happens at most once.
        session_id, instance = SalesforceLogin(
            username=username,
            password=password,
            security_token=security_token,
            domain=self._domain,
            sf_version=self.api_version,
            session=self._http,
            scratch_url=self._login_url,
        )
        return Salesforce(
            instance=instance,
            session_id=session_id,
            version=self.api_version,
            session=self._http,
            parse_float=Decimal,
        )

    def _count_request(self) -> None:
        with self._count_lock:
            self.requests_made += 1


def _composite(client: Salesforce, *, body: dict[str, Any]) -> Any:
    return client.restful("composite", method="POST", json=body)
