"""`crmcoach` as an admin uses it: what it prints, what it stores, how it fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import main
from bot.store.migrations import head_revision
from tests.helpers import managers

pytestmark = pytest.mark.usefixtures("cli_env")


def _use(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))


def test_db_upgrade_reports_the_revision(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, engine)

    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0

    out = capsys.readouterr().out
    head = head_revision(engine)
    assert f"Database is at revision {head}" in out
    assert f"current: {head}; code expects: {head}" in out


def test_seed_demo_prints_what_it_made(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, engine)

    assert main(["seed-demo", "--managers", "2", "--reps-per-manager", "3", "--deals", "50"]) == 0

    assert "2 managers, 6 reps, 50 deals" in capsys.readouterr().out


def test_managers_link_and_list(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, seeded)

    code = main(
        ["managers", "link", "--slack", "U0PAT", "--crm-email", "Sofia.Rossi@example.com", "--team", "T0TEST"]
    )
    main(["managers", "list"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Linked Slack user U0PAT in T0TEST to Demo CRM owner M00003" in out
    assert "M00003" in out.split("Linked")[1] and "admin" in out
    [pat] = managers(seeded)
    assert (pat.team_id, pat.crm_owner_id, pat.link_source) == ("T0TEST", "M00003", "admin")


def test_linking_an_unknown_crm_email_changes_nothing(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, seeded)

    code = main(
        ["managers", "link", "--slack", "U0PAT", "--crm-email", "ghost@example.com", "--team", "T0TEST"]
    )

    assert code == 2
    assert "Demo CRM has no user with the e-mail ghost@example.com" in capsys.readouterr().err
    assert managers(seeded) == []


def test_link_without_team_or_slack_token_asks_for_the_team(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, seeded)

    code = main(["managers", "link", "--slack", "U0PAT", "--crm-email", "sofia.rossi@example.com"])

    assert code == 2
    assert "pass --team" in capsys.readouterr().err


def test_a_malformed_slack_id_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["managers", "link", "--slack", "anna", "--crm-email", "a@example.com"])

    assert caught.value.code == 2
    assert "is not a Slack user id" in capsys.readouterr().err


def test_an_unreachable_database_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")

    assert main(["db", "upgrade"]) == 1

    err = capsys.readouterr().err
    assert "cannot reach the database" in err and "Check DATABASE_URL" in err
    assert "Traceback" not in err


def test_serve_without_slack_settings_exits_2_naming_each_field(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.db"

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN: missing" in result.stderr
    assert "SLACK_SIGNING_SECRET: missing" in result.stderr
    assert "Traceback" not in result.stderr
