"""One install serves the workspaces it was installed in (the bot token's and SLACK_TEAM_IDS): other
workspaces get nothing, nothing crosses between served ones, and first contacts race safely."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.container import Container
from bot.demo.standins.local_server import start_local_server
from bot.demo.standins.requests import HttpResult, block_actions_body, post_signed, slash_command_body
from bot.demo.standins.slack import SlackStandIn
from bot.slack import ids
from bot.slack.app import build_app
from bot.store.delivery_models import PracticeTask
from bot.store.models import Manager, Workspace
from bot.web import EVENTS_PATH, build_wsgi
from tests.conftest import NOW, SIGNING_SECRET, ServerFactory, reconfigured
from tests.helpers import all_text, reply

LESSON = "pipeline-review-stale-first"


@pytest.fixture
def two_teams(container: Container, slack: SlackStandIn) -> Container:
    """Installed in T0TEST (the token's) and T0SECOND; U0COACH coaches T0TEST, U0BOSS coaches T0SECOND."""
    slack.add_user("U0COACH", name="Carla Coach", email="carla@example.com", locale="en-US")
    slack.add_user("U0BOSS", name="Bo Boss", email="bo@example.com", locale="en-US")
    slack.add_channel("C0SALES", "sales-leads")
    return reconfigured(
        container, slack, slack_team_ids="T0SECOND", crmcoach_coaches="U0COACH,T0SECOND:U0BOSS"
    )


@pytest.fixture
def url(two_teams: Container, serve: ServerFactory) -> str:
    return serve(two_teams)


def _command(
    url: str, slack: SlackStandIn, team_id: str, user_id: str, text: str, *, key: str | None = None
) -> HttpResult:
    body = slash_command_body(
        team_id=team_id, user_id=user_id, text=text, response_url=slack.response_url(key)
    )
    return post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET)


def _rows(container: Container) -> tuple[list[str], list[tuple[str, str]]]:
    with Session(container.engine) as session:
        teams = list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))
        managers = [(m.team_id, m.slack_user_id) for m in session.scalars(select(Manager))]
    return teams, managers


def test_a_request_from_another_workspace_has_no_effect(
    url: str, slack: SlackStandIn, two_teams: Container, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        stats = _command(url, slack, "T0OTHER", "U0ANNA", "stats")
        broadcast = _command(url, slack, "T0OTHER", "U0COACH", f"broadcast <#C0SALES|sales-leads> {LESSON}")
        time.sleep(0.3)

    assert (stats.status, stats.body) == (200, "")
    assert (broadcast.status, broadcast.body) == (200, "")
    assert slack.calls_to("response_url") == [] and slack.calls_to("users.info") == []
    assert slack.messages_in("C0SALES") == []
    assert _rows(two_teams) == ([], [])
    ignored = [r for r in caplog.records if "T0OTHER" in r.getMessage()]
    assert len(ignored) == 2  # one line per request


def test_coaches_are_coaches_of_their_own_workspace_only(url: str, slack: SlackStandIn) -> None:
    _command(url, slack, "T0SECOND", "U0BOSS", "help")  # first contacts: their profiles are read once
    _command(url, slack, "T0SECOND", "U0COACH", "help")
    _command(url, slack, "T0TEST", "U0BOSS", "help")
    slack.wait_for("response_url", count=3)

    answers = {
        (team, user): all_text(_command(url, slack, team, user, "broadcasts").json())
        for team, user in [("T0SECOND", "U0BOSS"), ("T0SECOND", "U0COACH"), ("T0TEST", "U0BOSS")]
    }

    assert "no scheduled broadcasts" in answers["T0SECOND", "U0BOSS"]
    assert (
        "Only coaches" in answers["T0SECOND", "U0COACH"] or "only" in answers["T0SECOND", "U0COACH"].lower()
    )
    assert "no scheduled broadcasts" not in answers["T0TEST", "U0BOSS"]
    assert "no scheduled broadcasts" not in answers["T0SECOND", "U0COACH"]


def test_a_served_workspace_gets_its_own_rows(url: str, slack: SlackStandIn, two_teams: Container) -> None:
    _command(url, slack, "T0SECOND", "U0ANNA", "help")
    _command(url, slack, "T0TEST", "U0ANNA", "help")
    slack.wait_for("response_url", count=2)

    teams, managers = _rows(two_teams)
    assert teams == ["T0SECOND", "T0TEST"]
    assert sorted(managers) == [("T0SECOND", "U0ANNA"), ("T0TEST", "U0ANNA")]


def test_twenty_first_contacts_at_once_all_get_their_answer(
    container: Container, slack: SlackStandIn
) -> None:
    users = [f"U0NEW{n:02d}" for n in range(18)]
    for user in users:
        slack.add_user(user, name=f"New {user}", email=f"{user.lower()}@example.org", locale="de-DE")
    app = build_app(container.settings, container)
    base_url, server = start_local_server(
        build_wsgi(app, engine=container.engine, signing_secret=SIGNING_SECRET), threads=20
    )
    # 18 new users, and one more whose two first commands arrive together
    requests = [(user, "help") for user in users] + [("U0PAT", "help"), ("U0PAT", "settings")]
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(
                pool.map(
                    lambda r: _command(base_url, slack, slack.team_id, r[0], r[1], key=f"{r[0]}-{r[1]}"),
                    requests,
                )
            )
        answers = slack.wait_for("response_url", count=20, timeout=30)
    finally:
        server.close()

    assert [result.status for result in results] == [200] * 20
    texts = [all_text(call.params) for call in answers]
    assert len(texts) == 20
    assert not [text for text in texts if "went wrong" in text or "schiefgelaufen" in text]
    teams, managers = _rows(container)
    assert teams == ["T0TEST"] and len(managers) == 19


def test_enroll_all_and_the_planner_serve_every_installed_workspace(
    two_teams: Container,
    slack: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", two_teams.settings.database.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    monkeypatch.setenv("SLACK_TEAM_IDS", "T0SECOND")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    with Session(two_teams.engine) as session:  # a stray row (say, from an old version) changes nothing
        session.add(Workspace(team_id="T0STRAY"))
        session.commit()

    assert main(["managers", "enroll", "--all"]) == 0

    out = capsys.readouterr().out
    assert "T0TEST: enrolled" in out and "T0SECOND: enrolled" in out and "T0STRAY" not in out


def test_a_task_of_one_workspace_cannot_be_answered_from_another(
    url: str, slack: SlackStandIn, two_teams: Container
) -> None:
    with Session(two_teams.engine) as session:  # Anna of T0TEST has a practice task
        session.add(Workspace(team_id="T0TEST"))
        session.flush()
        anna = Manager(team_id="T0TEST", slack_user_id="U0ANNA", tz="Europe/Vienna")
        session.add(anna)
        session.flush()
        task = PracticeTask(
            team_id="T0TEST",
            manager_id=anna.id,
            lesson_id=LESSON,
            assigned_at=NOW - timedelta(days=1),
            deadline=NOW + timedelta(days=6),
        )
        session.add(task)
        session.commit()
        task_id = task.id
    _command(url, slack, "T0SECOND", "U0ANNA", "help")  # the same user id, in the other workspace
    reply(slack)
    body = block_actions_body(
        team_id="T0SECOND",
        user_id="U0ANNA",
        action_id=ids.ACTION_TASK_DONE,
        value=str(task_id),
        response_url=slack.response_url(),
        message={"ts": "1.0", "text": "x", "blocks": []},
        channel_id="D0ANNA",
    )

    post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET)

    assert "gehört jemand anderem" in all_text(reply(slack, count=2))  # Anna's Slack locale is de-DE
    with Session(two_teams.engine) as session:
        assert session.get(PracticeTask, task_id).response == "open"  # type: ignore[union-attr]
