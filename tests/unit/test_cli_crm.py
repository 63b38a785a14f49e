"""`crmcoach crm check` and `crm refresh` as an admin sees them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.store.models import CachedStats, DemoOwner


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


def test_an_unusable_roster_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRMCOACH_ROSTER_CSV", "/nonexistent/roster.csv")

    assert main(["crm", "check"]) == 2

    assert "CRMCOACH_ROSTER_CSV" in capsys.readouterr().err
