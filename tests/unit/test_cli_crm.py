"""`crmcoach crm check` and `crm refresh` as an admin sees them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.store.models import CachedStats, DemoOwner
from tests.contract.world import build_world
from tests.fakes.hubspot import HubSpotStandIn


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: object, seeded: Engine) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "CRM_CONNECTOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def test_check_lists_owners_and_teams(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crm", "check"]) == 0

    out = capsys.readouterr().out
    assert "Connected to Demo CRM (CRM_CONNECTOR=demo)." in out
    assert "Owners: 15, of whom 3 have direct reports" in out
    assert "Anna Berger <anna.berger@example.com>: 4 direct reports" in out
    assert "Reading deals and activities works" in out


def test_refresh_caches_every_manager(seeded: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crm", "refresh", "--team", "T0TEST"]) == 0

    assert "Refreshed 3 managers in" in capsys.readouterr().out
    with Session(seeded) as session:
        assert len(list(session.scalars(select(CachedStats)))) == 3


def test_refresh_without_any_team_fails_with_the_roster_hint(
    seeded: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(seeded) as session:
        session.execute(update(DemoOwner).values(manager_id=None))
        session.commit()

    assert main(["crm", "refresh", "--team", "T0TEST"]) == 1

    out = capsys.readouterr().out
    assert "no owner has direct reports" in out and "CRMCOACH_ROSTER_CSV" in out
    assert "Refreshed" not in out
    with Session(seeded) as session:
        assert list(session.scalars(select(CachedStats))) == []


def test_refresh_says_whether_it_read_everything_or_only_the_changes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with HubSpotStandIn.from_world(build_world()) as standin:
        monkeypatch.setenv("CRM_CONNECTOR", "hubspot")
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", standin.access_token)
        monkeypatch.setenv("HUBSPOT_API_URL", standin.api_url)

        assert main(["crm", "refresh", "--team", "T0TEST"]) == 0
        first = capsys.readouterr().out
        assert main(["crm", "refresh", "--team", "T0TEST"]) == 0  # a new run, as from cron
        second = capsys.readouterr().out

    assert "Refreshed 3 managers" in first and "API requests" in first
    assert re.search(r"Full read: \d+ deals and activities\.", first)
    assert "Incremental read: 0 deals and activities changed since the last refresh." in second
    # owners, then one search per object type and one archived list each, and the pipelines (stages)
    assert re.search(r"with 12 API requests", second)


def test_an_unusable_roster_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_CONNECTOR", "pipedrive")  # a roster is for the CRMs with an API
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "token")
    monkeypatch.setenv("PIPEDRIVE_API_URL", "http://127.0.0.1:9")  # never asked: the roster fails first
    monkeypatch.setenv("CRMCOACH_ROSTER_CSV", "/nonexistent/roster.csv")

    assert main(["crm", "check"]) == 2

    assert "CRMCOACH_ROSTER_CSV" in capsys.readouterr().err
