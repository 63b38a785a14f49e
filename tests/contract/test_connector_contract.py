"""The contract every CRM connector fulfils, checked against the slow reference computation."""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from bot.crm.base import CRMConnector, CRMNotFoundError, ListedDeal
from bot.crm.demo import DemoConnector
from bot.store.models import DemoDeal
from tests.conftest import NOW
from tests.oracle import expected_stats

ConnectorFactory = Callable[[Engine], CRMConnector]
CONNECTORS: dict[str, ConnectorFactory] = {"demo": DemoConnector}


@pytest.fixture(params=sorted(CONNECTORS))
def connector(request: pytest.FixtureRequest, seeded: Engine) -> CRMConnector:
    return CONNECTORS[request.param](seeded)


def test_it_is_a_connector(connector: CRMConnector) -> None:
    assert isinstance(connector, CRMConnector)
    assert connector.display_name


def test_owners_are_found_by_email_in_any_case(connector: CRMConnector) -> None:
    owner = connector.find_owner_by_email("  James.Miller@EXAMPLE.com ")

    assert owner is not None
    assert (owner.crm_id, owner.name, owner.manager_crm_id) == ("M00002", "James Miller", None)
    assert connector.find_owner_by_email("nobody@example.com") is None


def test_unknown_owner_ids_raise_not_found(connector: CRMConnector) -> None:
    with pytest.raises(CRMNotFoundError) as caught:
        connector.get_owner("NOPE")
    with pytest.raises(CRMNotFoundError):
        connector.manager_stats("NOPE", now=NOW)
    assert "NOPE" in caught.value.user_message


@pytest.mark.parametrize("owner_id", ["M00001", "M00002", "M00003", "R000001"])
def test_stats_match_the_reference(connector: CRMConnector, seeded: Engine, owner_id: str) -> None:
    stats = connector.manager_stats(owner_id, now=NOW)
    expected = expected_stats(seeded, owner_id, NOW)

    assert (stats.team_size, stats.open_deals, stats.open_value) == (
        expected.team_size,
        expected.open_deals,
        expected.open_value,
    )
    assert (stats.stale_deals, stats.deals_without_next_step, stats.overdue_close_dates) == (
        expected.stale,
        expected.no_next_step,
        expected.overdue,
    )
    assert (stats.activities_7d_manager, stats.activities_7d_team) == (
        expected.activities_manager,
        expected.activities_team,
    )
    assert (stats.won_90d, stats.lost_90d) == (expected.won_90d, expected.lost_90d)
    assert stats.fetched_at == NOW
    assert listed(stats.biggest_open_deals) == expected.biggest
    assert listed(stats.own_biggest_open_deals) == expected.own_biggest
    assert (stats.own_open_value, stats.other_open_values, stats.own_other_open_values) == (
        expected.own_open_value,
        expected.other_values,
        expected.own_other_values,
    )


@pytest.mark.parametrize("owner_id", ["M00001", "M00002"])
def test_values_in_other_currencies_are_totalled_apart(
    connector: CRMConnector, seeded: Engine, owner_id: str
) -> None:
    """Every 3rd deal in US dollars, every 7th in Swiss francs: the pipeline value holds the main
    currency's deals only, each other currency gets its own total (summed per currency in SQL)."""
    with seeded.begin() as connection:
        connection.execute(update(DemoDeal).where(DemoDeal.id % 3 == 0).values(currency="USD"))
        connection.execute(update(DemoDeal).where(DemoDeal.id % 7 == 0).values(currency="CHF"))
    stats = connector.manager_stats(owner_id, now=NOW)
    expected = expected_stats(seeded, owner_id, NOW)

    assert (stats.currency, stats.open_deals, stats.open_value, stats.other_open_values) == (
        expected.currency,
        expected.open_deals,
        expected.open_value,
        expected.other_values,
    )
    assert (stats.own_open_value, stats.own_other_open_values) == (
        expected.own_open_value,
        expected.own_other_values,
    )
    assert [total.currency for total in stats.other_open_values] == ["CHF", "USD"]
    assert connector.all_manager_stats(now=NOW)[owner_id] == stats


def listed(deals: tuple[ListedDeal, ...]) -> tuple[tuple[str, str, str, Decimal, str], ...]:
    return tuple((d.deal_id, d.name, d.owner_name, d.amount, d.currency) for d in deals)


def test_attention_lists_the_worst_open_deals_with_reasons(connector: CRMConnector) -> None:
    stats = connector.manager_stats("M00002", now=NOW)

    assert 0 < len(stats.attention) <= 5
    scores = [len(deal.reasons) for deal in stats.attention]
    assert scores == sorted(scores, reverse=True)
    assert all(
        set(deal.reasons) <= {"stale", "no_next_step", "overdue"} and deal.reasons for deal in stats.attention
    )


@pytest.mark.parametrize("module", ["hubspot", "pipedrive", "salesforce"])
def test_api_connectors_take_plain_values_not_settings(module: str) -> None:
    """Only bot/crm/registry.py reads Settings; a connector gets URLs, tokens and limits."""
    source = (Path(__file__).parents[2] / "bot" / "crm" / f"{module}.py").read_text(encoding="utf-8")
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }

    assert "bot.config" not in imported
