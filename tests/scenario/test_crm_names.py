"""A deal name with Slack's control and formatting characters ("`Harbor` & Co <EU>"): escaped in what
goes to Slack, so it is shown as written there, pings nobody and restyles nothing (mrkdwn has no escape
for a backtick: a look-alike); as written in `crmcoach ask`, text and JSON. A manager's name in the
coaches' team view alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.container import Container
from bot.crm.demo_seed import seed_demo
from bot.demo.standins.slack import SlackStandIn
from bot.store.models import DemoDeal
from tests.conftest import NOW, ServerFactory, enroll_everyone, with_coach
from tests.helpers import all_text, ask_json, command, final_reply

NAME = "`Harbor` & Co <EU>"  # a backtick would pair with the one before the footer's `/crmcoach stats`
ESCAPED = "ˋHarborˋ &amp; Co &lt;EU&gt;"
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
    assert "<EU>" not in text and "`Harbor`" not in text


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


def test_the_team_view_shows_a_managers_slack_name_as_written(
    container: Container, serve: ServerFactory, slack: SlackStandIn
) -> None:
    url = serve(with_coach(container, slack))
    slack.add_user("U0JAMES", name="<!channel> `James` *Miller*", email=JAMES, locale="en-US")
    enroll_everyone(container, team_id=slack.team_id, now=NOW)

    ack = command(url, slack, "U0COACH", "team")
    view = all_text(
        ack.json() if ack.body.startswith("{") else final_reply(slack)
    )  # a first command: after the ack

    assert "*&lt;!channel&gt; ˋJamesˋ ∗Miller∗*" in view
    assert "<!channel>" not in view and "`James`" not in view and "*Miller*" not in view
