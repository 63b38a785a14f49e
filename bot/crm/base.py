"""The one interface every CRM connector implements, and the models it speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol, runtime_checkable

DealStatus = Literal["open", "won", "lost"]
AttentionReason = Literal["stale", "no_next_step", "overdue"]
# How many of the biggest open deals ManagerStats keeps, for the team and for the manager's own.
BIGGEST_DEALS_LIMIT = 10
# The currency assumed where a CRM (or an entry stored before deals carried one) names none.
DEFAULT_CURRENCY = "EUR"


def currency_code(raw: object, fallback: str) -> str:
    """An ISO code as the CRMs spell it (" usd" and "USD" are one currency); `fallback` when empty."""
    code = str(raw or "").strip().upper()
    return code or fallback


@dataclass(frozen=True, slots=True)
class Owner:
    """A CRM user who owns deals; managers are owners with direct reports."""

    crm_id: str
    email: str  # "" when the CRM has none (HubSpot owners may lack one)
    name: str
    manager_crm_id: str | None = None


@dataclass(frozen=True, slots=True)
class DealRecord:
    """A deal as any CRM reports it, normalised. Times are aware UTC datetimes."""

    deal_id: str
    name: str
    owner_id: str | None
    amount: Decimal
    currency: str
    status: DealStatus
    close_date: date | None
    next_step: str | None
    created_at: datetime
    last_activity_at: datetime | None
    closed_at: datetime | None
    # The CRM's id of the deal's pipeline stage (HubSpot dealstage, Pipedrive stage_id, Salesforce
    # StageName); CRMSnapshot.stages gives its label and place. None when the CRM names none.
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class DealStage:
    """A pipeline stage as the CRM defines it. `for_open_deals`: False for a stage of won or lost deals
    and for one the CRM retired (archived, inactive): the breakdown lists it only while open deals are
    in it."""

    stage_id: str
    label: str
    for_open_deals: bool = True


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """A logged call, meeting, e-mail or task, normalised."""

    activity_id: str
    owner_id: str | None
    occurred_at: datetime
    deal_id: str | None = None
    kind: str = "task"


@dataclass(frozen=True, slots=True)
class CRMSnapshot:
    """What one pass over a CRM returns: owners, the deals that matter, recent activities.

    deals: every open deal plus deals closed in the last 90 days; activities: the last 7 days.
    """

    owners: tuple[Owner, ...]
    deals: tuple[DealRecord, ...]
    activities: tuple[ActivityRecord, ...]
    fetched_at: datetime
    # Every stage the CRM defines, in pipeline order (pipelines in the CRM's order, then each one's
    # stages); empty when the CRM describes none, or when they could not be read (`stages_unread`).
    stages: tuple[DealStage, ...] = ()
    # The CRM refused its stage settings and none read earlier could stand in: deals' stage ids are
    # not labels a manager knows (and split stages of one label), so no breakdown is made.
    stages_unread: bool = False


@dataclass(frozen=True, slots=True)
class ListedDeal:
    """An open deal as a list in an answer shows it."""

    deal_id: str
    name: str
    owner_name: str
    amount: Decimal
    # The deal's own currency (ISO code): a team may sell in several. Keyword-only, so that subclass
    # fields and positional construction are unaffected.
    currency: str = field(default=DEFAULT_CURRENCY, kw_only=True)
    # Keyword-only so AttentionDeal keeps its positional fields; None when the CRM names no owner or
    # for stats stored before it was kept. Own deals are told by this id, never by a (shared) name.
    owner_id: str | None = field(kw_only=True)

    def by_amount(self, main_currency: str) -> tuple[bool, str, Decimal, int, str]:
        """Sort key: biggest first, ties by deal id (shorter ids first, so numeric ids sort as numbers,
        the way the demo connector's database orders its integer keys). We have no exchange rates, so
        amounts in different currencies are never compared: deals in `main_currency` come first, then
        each other currency's in turn."""
        return self.currency != main_currency, self.currency, -self.amount, len(self.deal_id), self.deal_id


@dataclass(frozen=True, slots=True)
class AttentionDeal(ListedDeal):
    """A deal worth the manager's attention, and why it is listed."""

    reasons: tuple[AttentionReason, ...]


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    """The open deals in one currency other than the stats' main one: how many, and their summed amount.
    We have no exchange rates, so such a total is never added to the main currency's."""

    currency: str
    amount: Decimal
    deals: int


@dataclass(frozen=True, slots=True)
class StageTotal:
    """The open deals in one pipeline stage: how many, and the summed amount of those in the stats'
    main currency (we have no exchange rates)."""

    stage: str  # the stage's label as the CRM shows it
    deals: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class ManagerStats:
    """Pipeline numbers for a manager and their direct reports, as of `fetched_at`.

    The unprefixed deal numbers are the team's (the manager's own deals included); `own_*` are the
    manager's own deals only, so a role-model lesson can show what the manager did personally.
    `open_value` and `own_open_value` sum only the deals in `currency`; the other currencies' open
    deals are in `other_open_values` and `own_other_open_values`.
    """

    owner: Owner
    team_size: int  # direct reports, the manager not included
    open_deals: int
    open_value: Decimal
    currency: str
    stale_deals: int
    deals_without_next_step: int
    overdue_close_dates: int
    activities_7d_manager: int
    activities_7d_team: int
    won_90d: int
    lost_90d: int
    own_open_deals: int
    own_open_value: Decimal
    own_stale_deals: int
    own_deals_without_next_step: int
    own_overdue_close_dates: int
    own_won_90d: int  # the manager's own deals won and lost in 90 days (part of won_90d, lost_90d)
    own_lost_90d: int
    stale_days: int
    fetched_at: datetime
    source: str  # human name of the CRM, e.g. "Demo CRM"
    attention: tuple[AttentionDeal, ...] = field(default_factory=tuple)
    # The biggest open deals by amount (at most BIGGEST_DEALS_LIMIT, biggest first, ties by deal id);
    # deals without an amount (0) are not ranked. Amounts in different currencies are never compared:
    # deals in `currency` come first, then each other currency's (docs/crm-connectors.md).
    # Team: the manager's own included, like open_deals.
    biggest_open_deals: tuple[ListedDeal, ...] = field(default_factory=tuple)
    own_biggest_open_deals: tuple[ListedDeal, ...] = field(default_factory=tuple)
    # The open deals in every currency but `currency`, one total each, by currency code; empty when all
    # open deals are in `currency` (and in stats stored before these were kept). Team: own included.
    other_open_values: tuple[CurrencyTotal, ...] = field(default_factory=tuple)
    own_other_open_values: tuple[CurrencyTotal, ...] = field(default_factory=tuple)
    # The open deals per pipeline stage, in the pipeline's order: every open stage the CRM defines (also
    # with no deals), stages of the same label merged, then closed/retired stages and stages the CRM did
    # not describe (ids as labels) while the team's open deals are in them. Team and own list the same.
    # Empty in stats stored before these were kept.
    open_by_stage: tuple[StageTotal, ...] = field(default_factory=tuple)
    own_open_by_stage: tuple[StageTotal, ...] = field(default_factory=tuple)
    # True when open_by_stage is empty because the CRM's stage names could not be read this time.
    stage_names_unread: bool = False


class CRMError(Exception):
    """A CRM problem with a short explanation fit to show a user (`user_message`)."""

    kind = "error"

    def __init__(self, user_message: str, *, detail: str | None = None) -> None:
        super().__init__(detail or user_message)
        self.user_message = user_message


class CRMAuthError(CRMError):
    kind = "auth"


class CRMPermissionError(CRMError):
    kind = "permission"


class CRMRateLimitedError(CRMError):
    kind = "rate_limited"

    def __init__(self, user_message: str, *, retry_after: float | None = None, detail: str | None = None):
        super().__init__(user_message, detail=detail)
        self.retry_after = retry_after


class CRMUnavailableError(CRMError):
    kind = "unavailable"


class CRMNotFoundError(CRMError):
    kind = "not_found"


@runtime_checkable
class CRMConnector(Protocol):
    """What the coach needs from a CRM. Implementations raise CRMError subclasses only.

    A manager's team is the owners whose manager_crm_id is the manager's crm_id.
    """

    @property
    def display_name(self) -> str: ...

    def list_owners(self) -> list[Owner]: ...

    def find_owner_by_email(self, email: str) -> Owner | None: ...

    def get_owner(self, crm_id: str) -> Owner: ...

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        """One manager and their direct reports: few requests, for an interactive answer."""
        ...

    def all_manager_stats(self, *, now: datetime) -> dict[str, ManagerStats]:
        """Every owner who has direct reports, in one bulk pass (the weekly run)."""
        ...
