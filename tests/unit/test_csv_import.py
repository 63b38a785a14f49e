"""`crmcoach crm import-csv`: a CRM export in, coaching numbers out; bad rows named, nothing half-imported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.coaching.coach import Coach
from bot.crm.csv_import import CsvImportError, Mapping, import_csv
from bot.crm.demo import DemoConnector
from bot.i18n import Language
from bot.store.migrations import upgrade
from bot.store.models import DemoActivity, DemoDeal, DemoOwner
from tests.helpers import add_deal, ask_json, numbers_reply

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
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(content, encoding="utf-8")
    return paths


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_export_becomes_coaching_numbers(engine: Engine, tmp_path: Path) -> None:
    files = _write(tmp_path, owners=OWNERS, deals=DEALS, activities=ACTIVITIES)

    result = import_csv(engine, **files)
    stats = DemoConnector(engine, display_name="CRM (CSV)").manager_stats("u1", now=NOW)

    assert (result.owners, result.deals, result.activities) == (2, 3, 2)
    assert (stats.team_size, stats.open_deals, str(stats.open_value)) == (1, 2, "19000.50")
    assert (stats.stale_deals, stats.deals_without_next_step, stats.overdue_close_dates) == (1, 1, 1)
    assert (stats.activities_7d_manager, stats.activities_7d_team, stats.won_90d) == (1, 1, 1)


STAGED_DEALS = """id,name,owner_email,amount,currency,status,stage,created_at
d1,Acme – Pilot,rep@example.com,1000,EUR,open,Proposal,2026-09-01
d2,Beta – Renewal,boss@example.com,2000,EUR,open,Negotiation,2026-08-01
d3,Gamma – Rollout,rep@example.com,3000,EUR,open,,2026-11-20
d4,Delta – Pilot,rep@example.com,4000,EUR,open,,2026-11-20
d5,Echo – Renewal,boss@example.com,5000,EUR,won,Closed Won,2026-08-01
"""


@pytest.mark.parametrize(
    ("asked", "lines"),
    [
        (
            ("pipeline by stage", "en"),
            [
                "• Proposal: 1 open deal, €1,000",
                "• Negotiation: 1 open deal, €2,000",
                "• (no stage): 2 open deals, €7,000",
            ],
        ),
        (
            ("Deals pro Phase", "de"),
            ["• Proposal: 1 offener Deal, 1.000", "• (ohne Phase): 2 offene Deals, 7.000"],
        ),
    ],
)
def test_deals_without_a_stage_are_listed_as_such_by_stage(
    engine: Engine, tmp_path: Path, coach: Coach, asked: tuple[str, Language], lines: list[str]
) -> None:
    """Rows with an empty stage are in no stage: the breakdown says how many, so the lines add up to the
    open deals; a stage named only by closed deals is no line."""
    import_csv(engine, **_write(tmp_path, owners=OWNERS, deals=STAGED_DEALS))
    stats = DemoConnector(engine, display_name="CRM (CSV)").manager_stats("u1", now=NOW)

    text = numbers_reply(coach, stats, *asked).text

    assert all(line in text for line in lines), text
    assert "Closed Won" not in text
    assert [(s.stage, s.deals) for s in stats.open_by_stage] == [("Proposal", 1), ("Negotiation", 1)]


@pytest.mark.usefixtures("cli_env")
def test_the_json_answer_states_the_deals_in_no_stage_too(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`crmcoach ask --json`: the "(no stage)" line's count and value are numbers with stage "" (the
    same in every language), so a script can add the stages up to the open deals."""
    import_csv(engine, **_write(tmp_path, owners=OWNERS, deals=STAGED_DEALS))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CRM_CONNECTOR", "csv")

    english = ask_json("pipeline by stage", capsys, "--user", "boss@example.com")
    german = ask_json("Deals pro Phase", capsys, "--user", "boss@example.com", "--locale", "de")

    for answer in (english, german):
        counts = {n["stage"]: n["value"] for n in answer["numbers"] if n["metric"] == "open_deals"}
        values = {n["stage"]: n["value"] for n in answer["numbers"] if n["metric"] == "open_value"}
        assert counts == {"Proposal": 1, "Negotiation": 1, "": 2}, answer
        assert values == {"Proposal": 1000, "Negotiation": 2000, "": 7000}
    assert "(no stage)" in english["answer"] and "(ohne Phase)" in german["answer"]


def test_naming_a_stage_lists_that_stage_only(engine: Engine, tmp_path: Path, coach: Coach) -> None:
    import_csv(engine, **_write(tmp_path, owners=OWNERS, deals=STAGED_DEALS))
    stats = DemoConnector(engine, display_name="CRM (CSV)").manager_stats("u1", now=NOW)

    text = numbers_reply(coach, stats, "how many deals are in negotiation?").text

    assert "• Negotiation: 1 open deal, €2,000" in text
    assert "(no stage)" not in text and "• Proposal" not in text


def test_deals_imported_before_the_stage_column_are_in_no_stage_after_the_upgrade(
    unmigrated: Engine, tmp_path: Path, coach: Coach
) -> None:
    """The import once stored a deal's status as its stage, so "by stage" listed a stage "open";
    migration 0015 clears those. A real stage stays, also one spelt "Open", and so do deals not imported
    (a generated deal in a stage "open")."""
    engine = unmigrated
    upgrade(engine, "0014")
    import_csv(engine, **_write(tmp_path, owners=OWNERS, deals=STAGED_DEALS))
    with engine.begin() as connection:  # d3 to d5 as the import before the stage column wrote them
        connection.execute(
            update(DemoDeal).where(DemoDeal.external_id.in_(["d3", "d4", "d5"])).values(stage=DemoDeal.status)
        )
        connection.execute(update(DemoDeal).where(DemoDeal.external_id == "d2").values(stage="Open"))
    with Session(engine) as session, session.begin():
        generated = session.scalars(select(DemoDeal).where(DemoDeal.external_id == "d1")).one()
        session.add(
            DemoDeal(
                owner_id=generated.owner_id,
                name="Generated",
                company="Generated",
                amount=generated.amount,
                stage="open",
                status="open",
                close_date=generated.close_date,
                created_at=NOW,
            )
        )
    connector = DemoConnector(engine, display_name="CRM (CSV)")
    before = numbers_reply(coach, connector.manager_stats("u1", now=NOW), "pipeline by stage").text

    upgrade(engine)
    after = numbers_reply(coach, connector.manager_stats("u1", now=NOW), "pipeline by stage").text

    # d2 ("Open"), d3 and d4 ("open") and the generated deal: one stage line, any case
    assert "• Open: 4 open deals, €10,000" in before
    assert "• Open: 2 open deals, €3,000\n• (no stage): 2 open deals, €7,000" in after
    assert "• Proposal: 1 open deal, €1,000" in after
    with Session(engine) as session:
        stages = {deal.external_id: deal.stage for deal in session.scalars(select(DemoDeal))}
    assert stages == {"d1": "Proposal", "d2": "Open", "d3": "", "d4": "", "d5": "", None: "open"}


def _deals_with_last_activity(engine: Engine) -> dict[str | None, datetime | None]:
    with Session(engine) as session:
        return {deal.external_id: deal.last_activity_at for deal in session.scalars(select(DemoDeal))}


def test_a_deal_added_after_an_import_gets_an_id_of_its_own(unmigrated: Engine, tmp_path: Path) -> None:
    """On PostgreSQL the ids come from a sequence: the import must not hand out ids behind its back.
    Only PostgreSQL can fail it (CI runs it there): SQLite gives a new row the largest id + 1, so an
    id the import wrote itself never collides."""
    upgrade(unmigrated)  # a fresh database: its sequence has handed out nothing yet
    import_csv(unmigrated, **_write(tmp_path, owners=OWNERS, deals=DEALS, activities=ACTIVITIES))

    add_deal(unmigrated, "Added")

    assert _count(unmigrated, DemoDeal) == 4


def test_importing_again_replaces_the_data_and_keeps_activities_on_their_deals(
    engine: Engine, tmp_path: Path
) -> None:
    """The deals added between and after the imports collide with an imported id only on PostgreSQL
    (a sequence; SQLite takes the largest id + 1); the activities' links are checked on both."""
    files = _write(tmp_path, owners=OWNERS, deals=DEALS, activities=ACTIVITIES)
    import_csv(engine, **files)
    add_deal(engine, "Added between the imports")
    later = ACTIVITIES + "rep@example.com,d1,email,2026-11-22T08:00:00Z\n"
    files = _write(tmp_path, owners=OWNERS, deals=DEALS, activities=later)

    result = import_csv(engine, **files)
    add_deal(engine, "Added after")

    assert (result.owners, result.deals, result.activities) == (2, 3, 3)
    with Session(engine) as session:
        linked = session.execute(
            select(DemoDeal.external_id, func.count())
            .join(DemoActivity, DemoActivity.deal_id == DemoDeal.id)
            .group_by(DemoDeal.external_id)
        ).all()
    assert dict(linked) == {"d1": 1, "d3": 1}
    assert _deals_with_last_activity(engine) == {
        "d1": datetime(2026, 11, 22, 8, tzinfo=UTC),
        "d2": None,
        "d3": datetime(2026, 11, 21, 9, tzinfo=UTC),
        None: None,  # "Added after"; the deal added between the imports was replaced with the rest
    }


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
