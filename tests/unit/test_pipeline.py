"""CRM numbers are cached per manager, refreshed in bulk, and outlive a CRM outage for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.crm.base import CRMUnavailableError
from bot.store.models import CachedStats
from tests.conftest import NOW, replace
from tests.fakes.crm import CountingConnector


@pytest.fixture
def counting(container: Container) -> tuple[Container, CountingConnector]:
    crm = CountingConnector(container.crm)
    return replace(container, crm=crm), crm


def _cached_owner_ids(container: Container) -> set[str]:
    with Session(container.engine) as session:
        return set(session.scalars(select(CachedStats.crm_owner_id)))


def test_numbers_are_reused_within_the_ttl(counting: tuple[Container, CountingConnector]) -> None:
    container, crm = counting

    first = container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW)
    again = container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW + timedelta(minutes=59))

    assert crm.calls == 1
    assert again == first
    assert _cached_owner_ids(container) == {"M00002"}


def test_numbers_older_than_the_ttl_are_fetched_again(counting: tuple[Container, CountingConnector]) -> None:
    container, crm = counting
    container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW)

    later = container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW + timedelta(hours=2))

    assert crm.calls == 2
    assert later.fetched_at == NOW + timedelta(hours=2)


def test_a_crm_outage_serves_the_last_numbers_with_their_age(
    counting: tuple[Container, CountingConnector],
) -> None:
    container, crm = counting
    container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW)
    crm.down = True

    served = container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW + timedelta(days=2))

    assert served.fetched_at == NOW  # the reply shows when these numbers were fetched
    with pytest.raises(CRMUnavailableError):
        container.stats.current(team_id="T0TEST", crm_owner_id="M00002", now=NOW + timedelta(days=8))


def test_bulk_refresh_caches_every_manager_in_one_pass(counting: tuple[Container, CountingConnector]) -> None:
    container, crm = counting

    report = container.stats.refresh_all(team_id="T0TEST", now=NOW)
    container.stats.current(team_id="T0TEST", crm_owner_id="M00003", now=NOW + timedelta(minutes=5))

    assert report.managers == 3
    assert crm.calls == 1  # the later single lookup came from the cache
    assert _cached_owner_ids(container) == {"M00001", "M00002", "M00003"}
    container.stats.refresh_all(team_id="T0TEST", now=NOW + timedelta(hours=1))  # upsert, no duplicates
    assert _cached_owner_ids(container) == {"M00001", "M00002", "M00003"}
