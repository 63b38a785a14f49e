"""People's data in their own hands: export and delete through App Home, `crmcoach managers forget`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.slack import SlackStandIn
from bot.render import home_ids as ids
from bot.store.coach_models import Broadcast, BroadcastResponse, ScheduledBroadcast
from bot.store.models import Base
from bot.store.personal_data import PERSON_TABLES
from bot.store.reflection_models import Reflection
from tests.conftest import NOW, enroll_everyone
from tests.scenario.home_helpers import click, open_home, submit, view_of

# Columns that name a person (directly, or through managers.id / their CRM owner id).
PERSON_COLUMNS = {"slack_user_id", "user_id", "coach_user_id", "manager_id", "crm_owner_id"}
# Tables of the demo CRM stand in for an external CRM: not the bot's data about people.
CRM_TABLES = {"demo_crm_owners", "demo_crm_deals", "demo_crm_activities"}


@pytest.fixture
def used(container: Container, slack: SlackStandIn, base_url: str) -> Container:
    """Anna and James have used everything: enrolled, nudged, Home opened, broadcasts sent and answered."""
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    tick(delivery=container.delivery, now=NOW + timedelta(hours=5))
    tick(delivery=container.delivery, now=NOW + timedelta(days=7))  # nudges with practice tasks and snapshots
    for user in ("U0ANNA", "U0JAMES"):
        open_home(base_url, slack, user)
    with Session(container.engine) as session:
        for user in ("U0ANNA", "U0JAMES"):
            broadcast = Broadcast(
                team_id=slack.team_id,
                coach_user_id=user,
                channel_id="C1",
                language="en",
                title="t",
                task="do it",
            )
            session.add(broadcast)
            session.flush()
            session.add(
                BroadcastResponse(
                    broadcast_id=broadcast.id,
                    team_id=slack.team_id,
                    user_id=user,
                    kind="submission",
                    message_ts="1.1",
                    text="my reflection",
                )
            )
            session.add(
                Reflection(
                    team_id=slack.team_id, slack_user_id=user, lesson_id="role-model-go-first", text="t"
                )
            )
            session.add(
                ScheduledBroadcast(
                    team_id=slack.team_id,
                    coach_user_id=user,
                    channel_id="C1",
                    language="en",
                    tz="UTC",
                    repeat="once",
                    on_date="2026-12-01",
                    at="09:00",
                )
            )
        session.commit()
    return container


def _rows_about(engine: Engine, user: str) -> dict[str, int]:
    """Rows per table that point at the person, found from the schema (not from PERSON_TABLES)."""
    counts: dict[str, int] = {}
    with Session(engine) as session:
        manager_ids = list(
            session.execute(
                select(Base.metadata.tables["managers"].c.id).where(
                    Base.metadata.tables["managers"].c.slack_user_id == user
                )
            ).scalars()
        )
        owners = list(
            session.execute(
                select(Base.metadata.tables["managers"].c.crm_owner_id).where(
                    Base.metadata.tables["managers"].c.slack_user_id == user
                )
            ).scalars()
        )
        for name, table in Base.metadata.tables.items():
            for column in table.c:
                if column.name not in PERSON_COLUMNS or name in CRM_TABLES:
                    continue
                match = {"manager_id": column.in_(manager_ids), "crm_owner_id": column.in_(owners)}.get(
                    column.name, column == user
                )
                counts[f"{name}.{column.name}"] = (
                    session.scalar(select(func.count()).select_from(table).where(match)) or 0
                )
    return counts


def test_every_table_with_a_persons_id_is_covered_by_export_and_delete() -> None:
    with_person = {
        name
        for name, table in Base.metadata.tables.items()
        if name not in CRM_TABLES and any(column.name in PERSON_COLUMNS for column in table.c)
    }
    assert with_person == set(PERSON_TABLES)


def test_export_sends_everything_stored_about_the_person_as_json_by_dm(
    used: Container, base_url: str, slack: SlackStandIn
) -> None:
    uploads_before = len(slack.calls_to("files.completeUploadExternal"))
    assert click(base_url, slack, "U0ANNA", ids.ACTION_EXPORT) == 200
    upload = slack.wait_for("files.completeUploadExternal", count=uploads_before + 1)[-1]

    assert upload.params["channel_id"] == "DU0ANNA"
    file_id = json.loads(upload.params["files"])[0]["id"]
    document = json.loads(slack.uploads[file_id]["content"])
    tables = document["tables"]
    assert document["slack_user_id"] == "U0ANNA"
    stored = {key.split(".")[0] for key, count in _rows_about(used.engine, "U0ANNA").items() if count}
    assert stored == set(tables)  # every table holding a row about her, and only those
    assert tables["managers"][0]["email"] == "anna.berger@example.com"
    assert tables["broadcast_responses"][0]["text"] == "my reflection"
    assert all(row["manager_id"] == tables["managers"][0]["id"] for row in tables["practice_tasks"])
    assert "U0JAMES" not in json.dumps(document)


def test_delete_asks_first_then_removes_every_row_and_stops_all_messages(
    used: Container, base_url: str, slack: SlackStandIn
) -> None:
    assert any(_rows_about(used.engine, "U0ANNA").values())
    assert click(base_url, slack, "U0ANNA", ids.ACTION_DELETE) == 200
    confirm = view_of(slack.wait_for("views.open")[0].params)
    assert confirm["callback_id"] == ids.DELETE_CALLBACK and "Alles löschen" in json.dumps(
        confirm, ensure_ascii=False
    )

    assert submit(base_url, slack, "U0ANNA", ids.DELETE_CALLBACK, {}).status == 200

    assert not any(_rows_about(used.engine, "U0ANNA").values()), _rows_about(used.engine, "U0ANNA")
    assert all(_rows_about(used.engine, "U0JAMES").values())  # nobody else's rows go
    before = len(slack.messages_in("DU0ANNA"))
    tick(delivery=used.delivery, now=NOW + timedelta(days=14))
    assert len(slack.messages_in("DU0ANNA")) == before


def test_an_admin_forgets_a_person_from_the_command_line(
    used: Container, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, slack: SlackStandIn
) -> None:
    monkeypatch.setenv("DATABASE_URL", used.settings.database.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)

    assert main(["managers", "forget", "--slack", "U0JAMES", "--team", slack.team_id]) == 0

    out = capsys.readouterr().out
    assert "rows about U0JAMES in T0TEST" in out and "managers 1" in out
    assert not any(_rows_about(used.engine, "U0JAMES").values())
    assert main(["managers", "forget", "--slack", "U0JAMES", "--team", slack.team_id]) == 0
    assert "Nothing stored about U0JAMES" in capsys.readouterr().out
