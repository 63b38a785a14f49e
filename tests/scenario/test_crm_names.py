"""A deal name with Slack's control characters ("Harbor & Co <EU>"): escaped in what goes to Slack, so
it is shown as written there and pings nobody; as written in `crmcoach ask`, text and JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.crm.demo_seed import seed_demo
from bot.demo.standins.slack import SlackStandIn
from bot.store.models import DemoDeal
from tests.conftest import NOW
from tests.helpers import all_text, ask_json, command, final_reply

NAME = "Harbor & Co <EU>"
ESCAPED = "Harbor &amp; Co &lt;EU&gt;"
JAMES = "james.miller@example.com"  # the second demo manager, M00002 (U0JAMES in the Slack stand-in)


def _rename_biggest(engine: Engine, now: datetime) -> None:
    """James's biggest open deal, and the one most worth a look: stale, overdue, no next step."""
    with Session(engine) as session, session.begin():
        deal_id = session.scalars(
            select(DemoDeal.id)
            .where(DemoDeal.owner_id == "M00002", DemoDeal.status == "open")
            .order_by(DemoDeal.id)
            .limit(1)
        ).one()
        session.execute(
            update(DemoDeal)
            .where(DemoDeal.id == deal_id)
            .values(
                name=NAME,
                amount=9_999_999,
                next_step=None,
                close_date=(now - timedelta(days=30)).date(),
                created_at=now - timedelta(days=200),
                last_activity_at=now - timedelta(days=90),
            )
        )


@pytest.fixture
def harbor(seeded: Engine) -> Engine:
    _rename_biggest(seeded, NOW)
    return seeded


@pytest.mark.parametrize("asked", ["ask my 3 biggest deals", "stats"])
def test_slack_gets_the_name_escaped(harbor: Engine, base_url: str, slack: SlackStandIn, asked: str) -> None:
    command(base_url, slack, "U0JAMES", asked)

    text = all_text(final_reply(slack))
    assert ESCAPED in text
    assert "<EU>" not in text


@pytest.fixture
def harbor_today(engine: Engine, cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo CRM for today (the CLI reads the real clock), with the odd name, as the CLI's database."""
    now = datetime.now(UTC)
    seed_demo(engine, as_of=now)
    _rename_biggest(engine, now)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))


def test_crmcoach_ask_prints_the_name_as_written(
    harbor_today: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "my 3 biggest deals", "--user", JAMES, "--offline"]) == 0
    text = capsys.readouterr().out

    assert f"– {NAME}\n" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_crmcoach_ask_json_states_the_name_as_written(
    harbor_today: None, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = ask_json("which deals should I look at first?", capsys, "--user", JAMES)["answer"]

    assert f"• {NAME} – " in answer
    assert "&amp;" not in answer and "&lt;" not in answer
