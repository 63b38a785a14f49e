"""HubSpot connector (CRM API v3 with a private app access token).

Owners come from GET /crm/v3/owners, deals from the deals search endpoint, activities from the calls,
meetings, emails and tasks search endpoints (notes are not activities for the coach, as in the other CRMs).

Managers and teams. HubSpot teams have no manager field, so CRM Coach reads teams this way:
  * an owner's team is their *main* team (`teams[].primary == true`);
  * a team's lead is the one owner who belongs to it as an *additional* team (`primary == false`): in
    HubSpot, under Settings → Users & Teams, add the manager to the team they lead as an additional
    team. A manager who leads several teams is an additional member of each;
  * an owner's manager is the lead of their main team (never themselves). A team with no additional
    member, or with several, has no lead: its members then have no manager unless the roster says so.
Where that convention does not fit, CRMCOACH_ROSTER_CSV (email,manager_email) overrides the managers
of the owners it lists (see bot/crm/roster.py); the roster alone is enough, HubSpot teams are optional.

Limits. HubSpot allows `hubspot_requests_per_10s` requests per rolling 10 s (100 on Free/Starter, 190 on
Professional/Enterprise) and, on top, 5 search requests per second; two limiters keep under both, and a
429's Retry-After holds every caller back. One search query returns at most 10,000 results: queries are
sorted by hs_object_id, and when a query reaches that cap the next window continues with
hs_object_id > the last id seen (exact, unlike date windows, which can still hold >10,000 records).

Stages. A deal's dealstage is a stage id; labels and order come from GET /crm/v3/pipelines/deals
(every pipeline with its stages, one request per stats run, not paginated).

Currency. A deal's deal_currency_code is empty in single-currency portals (and on deals created before
multi-currency was turned on): such a deal is in the company currency, read once from the account
details (GET /account-info/v3/details, companyCurrency) when a deal first needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

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
from bot.crm.hubspot_http import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_SECONDS, HubSpotHTTP, JSONObject
from bot.crm.hubspot_records import (
    ACTIVITY_OBJECTS,
    ACTIVITY_PROPERTIES,
    DEAL_PROPERTIES,
    TASK_DONE,
    TASK_PROPERTIES,
    activity_from_hubspot,
    deal_from_hubspot,
    names_currency,
    owners_from_hubspot,
    parse_datetime,
    stages_from_hubspot,
)
from bot.crm.mirror import Changes, MirrorStore
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.roster import Roster
from bot.crm.snapshot import SnapshotConnector

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.hubapi.com"
SEARCH_PAGE_SIZE = 200  # the most HubSpot's search endpoints return per page
LIST_PAGE_SIZE = 100  # the most GET /crm/v3/objects/{type} returns per page
OWNERS_PAGE_SIZE = 500  # the most GET /crm/v3/owners returns per page
SEARCH_RESULT_CAP = 10_000  # HubSpot answers 400 when paging past this many results of one query
OWNER_IDS_PER_FILTER = 100  # values in one IN filter; larger owner lists are split into several queries
SORT_BY_ID = {"propertyName": "hs_object_id", "direction": "ASCENDING"}


class HubSpotConnector(SnapshotConnector):
    display_name = "HubSpot"

    def __init__(
        self,
        *,
        access_token: str,
        api_url: str = DEFAULT_API_URL,
        timeout_seconds: float = 10.0,
        requests_per_10s: int = 100,
        stale_days: int = 14,
        roster: Roster | None = None,
        mirror_store: MirrorStore | None = None,
        page_size: int = SEARCH_PAGE_SIZE,
        owners_page_size: int = OWNERS_PAGE_SIZE,
        search_result_cap: int = SEARCH_RESULT_CAP,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        general_limiter: SlidingWindowLimiter | None = None,
        search_limiter: SlidingWindowLimiter | None = None,
    ) -> None:
        super().__init__(stale_days=stale_days, roster=roster, mirror_store=mirror_store)
        self._page_size = max(1, min(page_size, SEARCH_PAGE_SIZE))
        self._owners_page_size = owners_page_size
        self._search_result_cap = search_result_cap
        self._company_currency: str | None = None  # unknown until a deal names no currency
        self.http = HubSpotHTTP(
            base_url=api_url,
            access_token=access_token,
            timeout_seconds=timeout_seconds,
            requests_per_10s=requests_per_10s,
            on_send=self._count_request,
            general_limiter=general_limiter,
            search_limiter=search_limiter,
            attempts=attempts,
            backoff_seconds=backoff_seconds,
        )

    def close(self) -> None:
        self.http.close()

    def _count_request(self) -> None:
        self.requests_made += 1

    # --- SnapshotConnector -------------------------------------------------------------------
    def fetch_owners(self) -> list[Owner]:
        rows: list[JSONObject] = []
        after: str | None = None
        while True:
            params = {"limit": str(self._owners_page_size), "archived": "false"}
            if after is not None:
                params["after"] = after
            page = self.http.get("/crm/v3/owners", params)
            rows.extend(_results(page))
            after = _next_after(page)
            if after is None:
                return owners_from_hubspot(rows)

    def fetch_deals(self, *, owner_ids: Sequence[str] | None, closed_since: datetime) -> list[DealRecord]:
        still_open = {"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"}
        closed = {"propertyName": "hs_is_closed", "operator": "EQ", "value": "true"}
        closed_recently = {"propertyName": "closedate", "operator": "GTE", "value": _epoch_ms(closed_since)}
        deals: list[DealRecord] = []
        for owner_filter in _owner_filters(owner_ids):
            groups = [
                {"filters": [still_open, *owner_filter]},
                {"filters": [closed, closed_recently, *owner_filter]},
            ]
            deals.extend(self._deals(self._search_all("deals", groups, DEAL_PROPERTIES)))
        return deals

    def fetch_activities(self, *, owner_ids: Sequence[str] | None, since: datetime) -> list[ActivityRecord]:
        activities: list[ActivityRecord] = []
        for object_type, kind in ACTIVITY_OBJECTS:
            groups, properties = _activity_filters(kind, since)
            for owner_filter in _owner_filters(owner_ids):
                rows = self._search_all(
                    object_type,
                    [{"filters": [*group, *owner_filter]} for group in groups],
                    properties,
                )
                activities.extend(a for row in rows if (a := activity_from_hubspot(row, kind)) is not None)
        return activities

    def fetch_stages(self) -> list[DealStage]:
        return stages_from_hubspot(self.http.get("/crm/v3/pipelines/deals", {}))

    def fetch_changes(self, *, since: datetime, now: datetime) -> Changes:
        """Deals and engagements modified since `since` (hs_lastmodifieddate), and those archived since.

        Archived records leave search results; the object list with archived=true names them (HubSpot
        keeps them 90 days, far longer than the week between full reads). A task not completed (any
        more) leaves the counts.
        """
        modified = [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": _epoch_ms(since)}]
        deals = self._search_all("deals", [{"filters": modified}], DEAL_PROPERTIES)
        activities: list[ActivityRecord] = []
        dropped: set[str] = set()
        for object_type, kind in ACTIVITY_OBJECTS:
            properties = TASK_PROPERTIES if kind == "task" else ACTIVITY_PROPERTIES
            for row in self._search_all(object_type, [{"filters": modified}], properties):
                activity = activity_from_hubspot(row, kind)
                if activity is None:
                    dropped.add(str(row.get("id")))
                else:
                    activities.append(activity)
            dropped.update(self._archived_since(object_type, since))
        return Changes(
            deals=tuple(self._deals(deals)),
            activities=tuple(activities),
            removed_deal_ids=frozenset(self._archived_since("deals", since)),
            removed_activity_ids=frozenset(dropped),
        )

    def _deals(self, rows: list[JSONObject]) -> list[DealRecord]:
        if self._company_currency is None and not all(map(names_currency, rows)):
            self._company_currency = self._fetch_company_currency()
        company_currency = self._company_currency or DEFAULT_CURRENCY
        return [deal_from_hubspot(row, company_currency=company_currency) for row in rows]

    def _fetch_company_currency(self) -> str:
        """The portal's company currency; DEFAULT_CURRENCY when HubSpot refuses to tell.

        An optional lookup: amounts and counts do not depend on it, so a refusal must not stop a refresh.
        Sign-in, rate-limit and outage errors still do, as they would stop the next request anyway.
        """
        try:
            details = self.http.get("/account-info/v3/details", {})
        except (CRMAuthError, CRMRateLimitedError, CRMUnavailableError):
            raise
        except CRMError as error:
            log.warning(
                "HubSpot did not let CRM Coach read the company currency; using %s: %s",
                DEFAULT_CURRENCY,
                error,
            )
            return DEFAULT_CURRENCY
        return currency_code(details.get("companyCurrency"), DEFAULT_CURRENCY)

    def _archived_since(self, object_type: str, since: datetime) -> set[str]:
        ids: set[str] = set()
        after: str | None = None
        while True:
            params = {"archived": "true", "limit": str(LIST_PAGE_SIZE)}
            if after is not None:
                params["after"] = after
            page = self.http.get(f"/crm/v3/objects/{object_type}", params)
            for row in _results(page):
                archived_at = parse_datetime(row.get("archivedAt"))
                if archived_at is None or archived_at >= since:
                    ids.add(str(row.get("id")))
            after = _next_after(page)
            if after is None:
                return ids

    # --- search paging -----------------------------------------------------------------------
    def _search_all(
        self, object_type: str, filter_groups: list[JSONObject], properties: Sequence[str]
    ) -> list[JSONObject]:
        """Every match, in windows of at most `search_result_cap` results each."""
        found: dict[str, JSONObject] = {}
        above_id: int | None = None
        while True:
            groups = filter_groups
            if above_id is not None:
                after_id = {"propertyName": "hs_object_id", "operator": "GT", "value": str(above_id)}
                groups = [{"filters": [*group["filters"], after_id]} for group in filter_groups]
            rows, complete = self._search_window(object_type, groups, properties)
            found.update((str(row.get("id")), row) for row in rows)
            if complete or not rows:
                return list(found.values())
            last_id = _object_id(rows[-1], object_type)
            if above_id is not None and last_id <= above_id:
                raise CRMUnavailableError(
                    "HubSpot's search results could not be read completely; try again in a few minutes.",
                    detail=f"{object_type} search did not advance past id {above_id}",
                )
            above_id = last_id

    def _search_window(
        self, object_type: str, filter_groups: list[JSONObject], properties: Sequence[str]
    ) -> tuple[list[JSONObject], bool]:
        """One query's pages up to the result cap; complete=False when more matches lie beyond it."""
        rows: list[JSONObject] = []
        after: str | None = None
        while True:
            body: JSONObject = {
                "filterGroups": filter_groups,
                "properties": list(properties),
                "sorts": [SORT_BY_ID],
                "limit": min(self._page_size, self._search_result_cap - len(rows)),
            }
            if after is not None:
                body["after"] = after
            page = self.http.search(object_type, body)
            rows.extend(_results(page))
            after = _next_after(page)
            if after is None:
                return rows, True
            if len(rows) >= self._search_result_cap:
                return rows, False


def _activity_filters(kind: str, since: datetime) -> tuple[list[list[JSONObject]], Sequence[str]]:
    """Filter groups (ORed) for engagements of this kind done since `since`, and the properties to read.

    Tasks: completed ones only, by completion date, or by due date where HubSpot has no completion date.
    """
    after = _epoch_ms(since)
    if kind != "task":
        return [[{"propertyName": "hs_timestamp", "operator": "GTE", "value": after}]], ACTIVITY_PROPERTIES
    done = {"propertyName": "hs_task_status", "operator": "EQ", "value": TASK_DONE}
    completed = {"propertyName": "hs_task_completion_date", "operator": "GTE", "value": after}
    undated = {"propertyName": "hs_task_completion_date", "operator": "NOT_HAS_PROPERTY"}
    due = {"propertyName": "hs_timestamp", "operator": "GTE", "value": after}
    return [[done, completed], [done, undated, due]], TASK_PROPERTIES


def _owner_filters(owner_ids: Sequence[str] | None) -> Iterator[list[JSONObject]]:
    """No filter for everyone; otherwise one `hubspot_owner_id IN [...]` per chunk (none for no owners)."""
    if owner_ids is None:
        yield []
        return
    unique = list(dict.fromkeys(owner_ids))
    for start in range(0, len(unique), OWNER_IDS_PER_FILTER):
        chunk = unique[start : start + OWNER_IDS_PER_FILTER]
        yield [{"propertyName": "hubspot_owner_id", "operator": "IN", "values": chunk}]


def _results(page: JSONObject) -> list[JSONObject]:
    results = page.get("results")
    if not isinstance(results, list):
        raise CRMUnavailableError(
            "HubSpot sent an answer CRM Coach could not read; try again in a few minutes.",
            detail=f"no results list in {str(page)[:200]}",
        )
    return [row for row in results if isinstance(row, dict)]


def _next_after(page: JSONObject) -> str | None:
    paging: Any = page.get("paging") or {}
    after = (paging.get("next") or {}).get("after") if isinstance(paging, dict) else None
    return str(after) if after not in (None, "") else None


def _object_id(row: JSONObject, object_type: str) -> int:
    try:
        return int(str(row.get("id")))
    except ValueError:
        raise CRMUnavailableError(
            "HubSpot's search results could not be read completely; try again in a few minutes.",
            detail=f"{object_type} record id {row.get('id')!r} is not numeric",
        ) from None


def _epoch_ms(moment: datetime) -> str:
    """HubSpot compares date properties in filters as epoch milliseconds."""
    return str(int(moment.timestamp() * 1000))
