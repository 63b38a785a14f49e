"""ManagerStats <-> JSON-safe dicts, for the stats cache."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.crm.base import AttentionDeal, CurrencyTotal, ListedDeal, ManagerStats, Owner, StageTotal

# 2: own_* numbers. The biggest-deals lists, each listed deal's currency, the other currencies' open
# totals and the open deals per stage came later without a new version: an entry written before them
# reads with empty lists and the stats' currency (the weekly history must not be dropped for them).
# Its open_value may still sum several currencies: it was stored so. Own won/lost came later too: an
# older entry reads 0 for them (history compares neither); the numbers cache fetches it again.
CODEC_VERSION = 2


def stats_to_json(stats: ManagerStats) -> dict[str, Any]:
    return {
        "v": CODEC_VERSION,
        "owner": {
            "crm_id": stats.owner.crm_id,
            "email": stats.owner.email,
            "name": stats.owner.name,
            "manager_crm_id": stats.owner.manager_crm_id,
        },
        "team_size": stats.team_size,
        "open_deals": stats.open_deals,
        "open_value": str(stats.open_value),
        "currency": stats.currency,
        "stale_deals": stats.stale_deals,
        "deals_without_next_step": stats.deals_without_next_step,
        "overdue_close_dates": stats.overdue_close_dates,
        "activities_7d_manager": stats.activities_7d_manager,
        "activities_7d_team": stats.activities_7d_team,
        "won_90d": stats.won_90d,
        "lost_90d": stats.lost_90d,
        "own_open_deals": stats.own_open_deals,
        "own_open_value": str(stats.own_open_value),
        "own_stale_deals": stats.own_stale_deals,
        "own_deals_without_next_step": stats.own_deals_without_next_step,
        "own_overdue_close_dates": stats.own_overdue_close_dates,
        "own_won_90d": stats.own_won_90d,
        "own_lost_90d": stats.own_lost_90d,
        "stale_days": stats.stale_days,
        "fetched_at": stats.fetched_at.isoformat(),
        "source": stats.source,
        "attention": [{**_listed_to_json(d), "reasons": list(d.reasons)} for d in stats.attention],
        "biggest_open_deals": [_listed_to_json(d) for d in stats.biggest_open_deals],
        "own_biggest_open_deals": [_listed_to_json(d) for d in stats.own_biggest_open_deals],
        "other_open_values": [_total_to_json(total) for total in stats.other_open_values],
        "own_other_open_values": [_total_to_json(total) for total in stats.own_other_open_values],
        "open_by_stage": [_stage_to_json(total) for total in stats.open_by_stage],
        "own_open_by_stage": [_stage_to_json(total) for total in stats.own_open_by_stage],
        "stage_names_unread": stats.stage_names_unread,
    }


def holds_every_figure(data: dict[str, Any]) -> bool:
    """Whether an entry holds every figure an answer may quote (one written before own won/lost does not)."""
    return "own_won_90d" in data and "own_lost_90d" in data


def stats_from_json(data: dict[str, Any]) -> ManagerStats | None:
    """None for an entry written by another codec version (it is simply fetched again)."""
    if data.get("v") != CODEC_VERSION:
        return None
    return ManagerStats(
        owner=Owner(**data["owner"]),
        team_size=data["team_size"],
        open_deals=data["open_deals"],
        open_value=Decimal(data["open_value"]),
        currency=data["currency"],
        stale_deals=data["stale_deals"],
        deals_without_next_step=data["deals_without_next_step"],
        overdue_close_dates=data["overdue_close_dates"],
        activities_7d_manager=data["activities_7d_manager"],
        activities_7d_team=data["activities_7d_team"],
        won_90d=data["won_90d"],
        lost_90d=data["lost_90d"],
        own_open_deals=data["own_open_deals"],
        own_open_value=Decimal(data["own_open_value"]),
        own_stale_deals=data["own_stale_deals"],
        own_deals_without_next_step=data["own_deals_without_next_step"],
        own_overdue_close_dates=data["own_overdue_close_dates"],
        own_won_90d=data.get("own_won_90d", 0),
        own_lost_90d=data.get("own_lost_90d", 0),
        stale_days=data["stale_days"],
        fetched_at=datetime.fromisoformat(data["fetched_at"]),
        source=data["source"],
        attention=tuple(
            AttentionDeal(**_listed_fields(d, data["currency"]), reasons=tuple(d["reasons"]))
            for d in data["attention"]
        ),
        biggest_open_deals=_listed_from_json(data, "biggest_open_deals"),
        own_biggest_open_deals=_listed_from_json(data, "own_biggest_open_deals"),
        other_open_values=_totals_from_json(data, "other_open_values"),
        own_other_open_values=_totals_from_json(data, "own_other_open_values"),
        open_by_stage=_stages_from_json(data, "open_by_stage"),
        own_open_by_stage=_stages_from_json(data, "own_open_by_stage"),
        stage_names_unread=bool(data.get("stage_names_unread", False)),
    )


def _listed_to_json(deal: ListedDeal) -> dict[str, str | None]:
    return {
        "deal_id": deal.deal_id,
        "name": deal.name,
        "owner_name": deal.owner_name,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "owner_id": deal.owner_id,
    }


def _listed_fields(data: dict[str, Any], stats_currency: str) -> dict[str, Any]:
    """A listed deal's fields; one stored before deals carried their currency is in the stats' currency
    (the only one lists were shown in then), and one without an owner id has none."""
    return {
        "deal_id": data["deal_id"],
        "name": data["name"],
        "owner_name": data["owner_name"],
        "amount": Decimal(data["amount"]),
        "currency": data.get("currency", stats_currency),
        "owner_id": data.get("owner_id"),  # absent in stats stored before it was kept
    }


def _listed_from_json(data: dict[str, Any], key: str) -> tuple[ListedDeal, ...]:
    return tuple(ListedDeal(**_listed_fields(d, data["currency"])) for d in data.get(key, []))


def _total_to_json(total: CurrencyTotal) -> dict[str, str | int]:
    return {"currency": total.currency, "amount": str(total.amount), "deals": total.deals}


def _totals_from_json(data: dict[str, Any], key: str) -> tuple[CurrencyTotal, ...]:
    """Absent in stats stored before the other currencies were totalled apart: none."""
    return tuple(
        CurrencyTotal(currency=d["currency"], amount=Decimal(d["amount"]), deals=d["deals"])
        for d in data.get(key, [])
    )


def _stage_to_json(total: StageTotal) -> dict[str, str | int]:
    return {"stage": total.stage, "deals": total.deals, "value": str(total.value)}


def _stages_from_json(data: dict[str, Any], key: str) -> tuple[StageTotal, ...]:
    """Absent in stats stored before the open deals per stage were kept: none."""
    return tuple(
        StageTotal(stage=d["stage"], deals=d["deals"], value=Decimal(d["value"])) for d in data.get(key, [])
    )
