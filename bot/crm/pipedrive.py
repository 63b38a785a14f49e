"""Pipedrive connector: users and teams from API v1 (no v2 exists), deals and activities from API v2.

How Pipedrive's model maps onto CRM Coach's:
- Owners are the active users (GET /api/v1/users). A user's manager is the manager_id of the (legacy)
  team they belong to (GET /api/v1/legacyTeams, the old /v1/teams path); a manager is never their own
  manager, and with several teams the team with the lowest id wins.
- Deals: GET /api/v2/deals, cursor-paginated. Open deals are fetched whole, with next_activity_id and
  last_activity_id (include_fields); closed ones with status=won,lost and updated_since (closing a deal
  updates it), then filtered on close time. Closed deals are only counted.
- Stages: a deal's stage_id; names and order from GET /api/v2/stages (cursor-paginated; the v1 list is
  deprecated), once per stats run: pipelines by id, stages by order_nr within each.
- Pipedrive has no "next step" text. Its equivalent is the deal's next planned (undone) activity:
  next_step is that activity's subject, None when the deal has no next_activity_id.
- API v2 dropped last_activity_date from deals; last_activity_at is the due date of the deal's
  last_activity_id, which is what Pipedrive itself showed as last_activity_date.
- "Activities logged in the last 7 days" are activities marked done in the window (done=true,
  marked_as_done_time), not planned ones that happen to be due then.
Ids are Pipedrive's integers, spoken as strings.

Requests. Resolving both activity ids of every open deal by id (100 per request) cost several times
the pages of the data itself, so snapshot() reads activities in passes instead:
- Done activities updated since the longer of the 7-day and the stale window (done=true,
  updated_since; marking an activity done updates it) give the 7-day counts and every recently
  touched deal's last activity.
- Bulk runs add the done activities last updated before that window whose due date lies within
  the stale window (marked done ahead of time): updated_until, sort_by=due_date, newest first,
  read until the first older due date, so usually one page. Then every done activity due within the
  stale window is at hand, and a last_activity_id not among them was due before the window: the deal
  is stale either way, and its last_activity_at stays None (created_at, also before the window,
  decides). Only a deal created within the window needs that older date (an activity can predate
  its deal: logged afterwards, or due the same day, as due dates count from midnight); those few are
  read by id.
- Bulk runs read the undone activities once (done=false) for the subjects of the next steps.
- A team's snapshot queries per member (v2 lists filter on a single owner_id) and reads the few
  activity ids its deals point to that the team's own done pass did not return (next steps, older or
  other users' activities) by id: one request per 100 deals beats one more pass per member.
Either way, every deal's stale verdict and next step are what resolving both ids would give.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import InvalidOperation
from typing import Any

from bot.crm.aggregate import ACTIVITY_WINDOW, CLOSED_WINDOW
from bot.crm.base import (
    ActivityRecord,
    CRMNotFoundError,
    CRMSnapshot,
    CRMUnavailableError,
    DealRecord,
    DealStage,
    DealStatus,
    Owner,
)
from bot.crm.mirror import Changes, MirrorStore
from bot.crm.pipedrive_client import (
    BURST_WINDOW_SECONDS,
    DEFAULT_REQUESTS_PER_WINDOW,
    MAX_PAGE_SIZE,
    PipedriveClient,
)
from bot.crm.pipedrive_records import (
    UNREADABLE,
    _activity_records,
    _deal,
    _due,
    _flag,
    _id,
    _ids_to_look_up,
    _numeric_first,
    _owner_filters,
    _rfc3339,
    stages_from_pipedrive,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.roster import Roster
from bot.crm.snapshot import SnapshotConnector

IDS_PER_REQUEST = 100  # the documented maximum of the v2 `ids` filter
CLOSED_STATUSES: tuple[DealStatus, ...] = ("won", "lost")


class PipedriveConnector(SnapshotConnector):
    display_name = "Pipedrive"

    def __init__(
        self,
        *,
        base_url: str,
        api_token: str,
        timeout_seconds: float = 10.0,
        stale_days: int = 14,
        roster: Roster | None = None,
        mirror_store: MirrorStore | None = None,
        requests_per_window: int = DEFAULT_REQUESTS_PER_WINDOW,
        limiter: SlidingWindowLimiter | None = None,
        page_size: int = MAX_PAGE_SIZE,
        max_attempts: int = 3,
        max_retry_after: float = 60.0,
        retry_backoff: float = 0.5,
    ) -> None:
        super().__init__(stale_days=stale_days, roster=roster, mirror_store=mirror_store)
        self.page_size = page_size
        self.client = PipedriveClient(
            base_url=base_url,
            api_token=api_token,
            timeout_seconds=timeout_seconds,
            limiter=limiter or SlidingWindowLimiter(requests_per_window, BURST_WINDOW_SECONDS),
            on_request=self._count_request,
            max_attempts=max_attempts,
            max_retry_after=max_retry_after,
            retry_backoff=retry_backoff,
        )

    def close(self) -> None:
        self.client.close()

    def _count_request(self) -> None:
        self.requests_made += 1

    # --- owners ------------------------------------------------------------------------------
    def fetch_owners(self) -> list[Owner]:
        users = [user for user in self.client.items("/api/v1/users") if _flag(user.get("active_flag"))]
        try:
            manager_of = self._managers_by_user({_id(user["id"]) for user in users})
            return [
                Owner(
                    crm_id=_id(user["id"]),
                    email=str(user.get("email") or ""),
                    name=str(user.get("name") or ""),
                    manager_crm_id=manager_of.get(_id(user["id"])),
                )
                for user in users
            ]
        except (KeyError, TypeError) as exc:
            raise CRMUnavailableError(UNREADABLE, detail=f"users or teams: {exc!r}") from None

    def _managers_by_user(self, active_ids: set[str]) -> dict[str, str]:
        manager_of: dict[str, str] = {}
        teams = self.client.items("/api/v1/legacyTeams")
        for team in sorted(teams, key=lambda team: _numeric_first(team.get("id"))):
            manager = team.get("manager_id")
            if not _flag(team.get("active_flag", True)) or _flag(team.get("deleted_flag")) or manager is None:
                continue
            manager_id = _id(manager)
            if manager_id not in active_ids:
                continue  # a deactivated manager cannot be asked for stats; leave the team unmanaged
            members = team.get("users")
            if members is None:  # skip_users, or an older payload: ask for the member list
                members = self._team_members(team["id"])
            for member in members:
                member_id = _id(member)
                if member_id != manager_id:
                    manager_of.setdefault(member_id, manager_id)
        return manager_of

    def _team_members(self, team_id: Any) -> list[Any]:
        try:
            members = self.client.get(f"/api/v1/legacyTeams/{_id(team_id)}/users", entity=f"team {team_id}")
        except CRMNotFoundError:
            return []  # deleted since the team list was read
        return list(members.get("data") or [])

    # --- snapshot: deals and activities in shared passes ----------------------------------------
    def snapshot(self, *, now: datetime, owner_ids: Sequence[str] | None = None) -> CRMSnapshot:
        """Deals and the 7-day activities from one done-activity pass (see the module docstring)."""
        owners = tuple(self.list_owners())
        since = now - ACTIVITY_WINDOW
        deals, done = self._read(owner_ids, now=now, closed_since=now - CLOSED_WINDOW, done_since=since)
        stages = self._stages()
        return CRMSnapshot(
            owners=owners,
            deals=tuple(deals),
            activities=tuple(_activity_records(done, since=since)),
            fetched_at=now,
            stages=stages or (),
            stages_unread=stages is None,
        )

    def fetch_stages(self) -> list[DealStage]:
        try:
            return stages_from_pipedrive(self._list("/api/v2/stages", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise CRMUnavailableError(UNREADABLE, detail=f"/api/v2/stages: {exc!r}") from None

    def fetch_deals(
        self, *, owner_ids: Sequence[str] | None, closed_since: datetime, now: datetime | None = None
    ) -> list[DealRecord]:
        """As in snapshot(): last_activity_at is read where it decides staleness as of `now`."""
        moment = now or datetime.now(UTC)
        deals, _ = self._read(owner_ids, now=moment, closed_since=closed_since, done_since=moment)
        return deals

    def fetch_activities(self, *, owner_ids: Sequence[str] | None, since: datetime) -> list[ActivityRecord]:
        return _activity_records(self._done_activities(_owner_filters(owner_ids), since=since), since=since)

    def _read(
        self, owner_ids: Sequence[str] | None, *, now: datetime, closed_since: datetime, done_since: datetime
    ) -> tuple[list[DealRecord], list[dict[str, Any]]]:
        """Deals, and the done activities updated since the earlier of `done_since` and the stale window."""
        filters = _owner_filters(owner_ids)
        stale_before = now - timedelta(days=self.stale_days)
        window = min(done_since, stale_before)
        done = self._done_activities(filters, since=window)
        open_raw: list[dict[str, Any]] = []
        closed_raw: list[dict[str, Any]] = []
        for owner in filters:
            open_raw.extend(
                self._list(
                    "/api/v2/deals",
                    {**owner, "status": "open", "include_fields": "next_activity_id,last_activity_id"},
                )
            )
            closed_raw.extend(
                self._list(
                    "/api/v2/deals",
                    {**owner, "status": ",".join(CLOSED_STATUSES), "updated_since": _rfc3339(closed_since)},
                )
            )
        open_raw = [raw for raw in open_raw if raw.get("status") == "open"]
        deals: list[DealRecord] = []
        try:
            known = {_id(activity["id"]): activity for activity in done}
            # Everyone's activities: only then does a missing last_activity_id mean "before the window".
            complete = owner_ids is None
            if complete and any(raw.get("last_activity_id") for raw in open_raw):
                known.update(
                    (_id(a["id"]), a) for a in self._done_ahead_of_time(before=window, due_from=stale_before)
                )
            if complete and any(raw.get("next_activity_id") for raw in open_raw):
                known.update((_id(a["id"]), a) for a in self._list("/api/v2/activities", {"done": "false"}))
            wanted = _ids_to_look_up(open_raw, known, stale_before=stale_before if complete else None)
            known.update(self._activities_by_id(wanted))
            deals.extend(_deal(raw, known) for raw in open_raw)
            for raw in closed_raw:
                deal = _deal(raw, {})
                if (
                    deal.status in CLOSED_STATUSES
                    and deal.closed_at is not None
                    and deal.closed_at >= closed_since
                ):
                    deals.append(deal)
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise CRMUnavailableError(UNREADABLE, detail=f"/api/v2/deals: {exc!r}") from None
        return deals, done

    def fetch_changes(self, *, since: datetime, now: datetime) -> Changes:
        """Deals and activities updated since `since` (updated_since), deleted deals included.

        A changed activity can change its deal's next step or last activity without touching the deal,
        so the deals it belongs to are read again too, and both their activity ids resolved by id.
        """
        updated = {"updated_since": _rfc3339(since)}
        fields = {"include_fields": "next_activity_id,last_activity_id"}
        activities = list(self._list("/api/v2/activities", updated))
        changed = list(self._list("/api/v2/deals", {**updated, **fields, "status": "open,won,lost"}))
        deleted = list(self._list("/api/v2/deals", {**updated, "status": "deleted"}))
        seen = {_id(raw["id"]) for raw in changed} | {_id(raw["id"]) for raw in deleted}
        touched = {_id(a["deal_id"]) for a in activities if a.get("deal_id")} - seen
        changed.extend(self._deals_by_id(touched, fields))
        counted = _activity_records(activities, since=now - ACTIVITY_WINDOW)
        try:
            known = {_id(activity["id"]): activity for activity in activities}
            open_raw = [raw for raw in changed if raw.get("status") == "open"]
            known.update(self._activities_by_id(_ids_to_look_up(open_raw, known, stale_before=None)))
            deals = [_deal(raw, known if raw.get("status") == "open" else {}) for raw in changed]
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise CRMUnavailableError(UNREADABLE, detail=f"/api/v2/deals: {exc!r}") from None
        kept = {record.activity_id for record in counted}
        return Changes(
            deals=tuple(deals),
            activities=tuple(counted),
            removed_deal_ids=frozenset(_id(raw["id"]) for raw in deleted),
            removed_activity_ids=frozenset(_id(a["id"]) for a in activities) - kept,
        )

    def _deals_by_id(self, ids: Iterable[str], params: dict[str, str]) -> list[dict[str, Any]]:
        wanted = sorted(ids)
        found: list[dict[str, Any]] = []
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            batch = ",".join(wanted[start : start + IDS_PER_REQUEST])
            found.extend(self._list("/api/v2/deals", {**params, "ids": batch, "status": "open,won,lost"}))
        return found

    def _done_activities(self, filters: list[dict[str, str]], *, since: datetime) -> list[dict[str, Any]]:
        """Done activities updated since `since` (marking one done updates it), per owner filter."""
        found: list[dict[str, Any]] = []
        for owner in filters:
            found.extend(
                self._list("/api/v2/activities", {**owner, "done": "true", "updated_since": _rfc3339(since)})
            )
        return found

    def _done_ahead_of_time(self, *, before: datetime, due_from: datetime) -> Iterator[dict[str, Any]]:
        """Done activities last updated before `before` but due on or after `due_from`, newest due first.

        Reading stops at the first older due date, so this is usually a single page.
        """
        query = {
            "done": "true",
            "updated_until": _rfc3339(before),
            "sort_by": "due_date",
            "sort_direction": "desc",
        }
        for activity in self._list("/api/v2/activities", query):
            due = _due(activity)
            if due is None:
                continue  # no due date: cannot be anyone's last activity date
            if due < due_from:
                return
            yield activity

    def _activities_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            batch = wanted[start : start + IDS_PER_REQUEST]
            for activity in self._list("/api/v2/activities", {"ids": ",".join(batch)}):
                found[_id(activity["id"])] = activity
        return found

    def _list(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        return self.client.paginate(path, params, page_size=self.page_size)
