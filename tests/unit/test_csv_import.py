"""`crmcoach crm import-csv`: a CRM export in, coaching numbers out; bad rows named, nothing half-imported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.crm.csv_import import CsvImportError, Mapping, import_csv
from bot.crm.demo import DemoConnector
from bot.store.models import DemoDeal, DemoOwner

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
OWNERS = """id,email,name,manager_email
u1,Boss@Example.com,Bea Boss,
u2,rep@example.com,Ron Rep,boss@example.com
"""
DEALS = """id,name,owner_email,amount,currency,status,close_date,next_step,created_at
d1,Acme – Pilot,rep@example.com,"12,000.50",EUR,open,2026-11-01,,2026-09-01
d2,Beta – Renewal,boss@example.com,5000,EUR,won,2026-10-15,,2026-08-01
d3,Gamma – Rollout,rep@example.com,7000,EUR,open,2027-01-31,Send proposal,2026-11-20T10:00:00Z
"""
ACTIVITIES = """owner_email,deal_id,type,occurred_at
rep@example.com,d3,call,2026-11-21T09:00:00Z
boss@example.com,,meeting,2026-11-22
"""


def _write(tmp_path: Path, **files: str) -> dict[str, Path]:
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_export_becomes_coaching_numbers(engine: Engine, tmp_path: Path) -> None:
    files = _write(tmp_path, owners=OWNERS, deals=DEALS, activities=ACTIVITIES)

    result = import_csv(engine, **files)
    stats = DemoConnector(engine, display_name="your CRM (CSV)").manager_stats("u1", now=NOW)

    assert (result.owners, result.deals, result.activities) == (2, 3, 2)
    assert (stats.team_size, stats.open_deals, str(stats.open_value)) == (1, 2, "19000.50")
    assert (stats.stale_deals, stats.deals_without_next_step, stats.overdue_close_dates) == (1, 1, 1)
    assert (stats.activities_7d_manager, stats.activities_7d_team, stats.won_90d) == (1, 1, 1)


def test_every_bad_row_is_named_and_nothing_is_imported(engine: Engine, tmp_path: Path) -> None:
    import_csv(engine, **_write(tmp_path, owners=OWNERS, deals=DEALS))  # existing data must survive
    bad_deals = DEALS + "d4,Delta,ghost@example.com,12,EUR,open,2026-12-01,,2026-11-01\n"
    bad_deals += "d5,Echo,rep@example.com,lots,EUR,maybe,someday,,2026-11-01\n"
    files = _write(tmp_path / "..", owners=OWNERS, deals=bad_deals)

    with pytest.raises(CsvImportError) as caught:
        import_csv(engine, **files)

    errors = caught.value.errors
    assert any(
        e.endswith("deals.csv:5: owner_email ghost@example.com is not in the owners file") for e in errors
    )
    assert any("deals.csv:6: status 'maybe' is unknown" in e for e in errors)
    assert _count(engine, DemoDeal) == 3 and _count(engine, DemoOwner) == 2


def test_a_mapping_reads_another_crms_export(engine: Engine, tmp_path: Path) -> None:
    owners = "User ID,E-Mail,Full Name,Manager E-Mail\nu1,boss@example.com,Bea Boss,\n"
    deals = (
        "Deal ID,Deal Name,Owner,Amount,Stage,Close Date,Create Date\n"
        "d1,Acme,boss@example.com,100,Closed Won,2026-11-01,2026-10-01\n"
    )
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(
        '[owners]\nid = "User ID"\nemail = "E-Mail"\nname = "Full Name"\n'
        'manager_email = "Manager E-Mail"\n'
        '[deals]\nid = "Deal ID"\nname = "Deal Name"\nowner_email = "Owner"\namount = "Amount"\n'
        'status = "Stage"\nclose_date = "Close Date"\ncreated_at = "Create Date"\n'
        '[status]\n"Closed Won" = "won"\n"Open" = "open"\n'
    )

    result = import_csv(
        engine, **_write(tmp_path, owners=owners, deals=deals), mapping=Mapping.load(mapping_file)
    )

    assert result.deals == 1
    with Session(engine) as session:
        deal = session.scalars(select(DemoDeal)).one()
    assert (deal.external_id, deal.status, deal.closed_at) == ("d1", "won", datetime(2026, 11, 1, tzinfo=UTC))


def test_missing_columns_are_named(engine: Engine, tmp_path: Path) -> None:
    files = _write(tmp_path, owners="id,name\nu1,Bea\n", deals=DEALS)

    with pytest.raises(CsvImportError) as caught:
        import_csv(engine, **files)

    assert "owners.csv:1: missing column(s) 'email'" in caught.value.errors[0]


def test_the_cli_reports_problems_and_exits_2(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    files = _write(tmp_path, owners=OWNERS, deals=DEALS.replace("12,000.50", "twelve"))

    code = main(["crm", "import-csv", "--owners", str(files["owners"]), "--deals", str(files["deals"])])

    err = capsys.readouterr().err
    assert code == 2
    assert "deals.csv:2: amount 'twelve' is not a number" in err
    assert "nothing was imported" in err
