"""App Home as each person's dashboard: real app_home_opened and block_actions payloads, Slack stand-in."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from matplotlib import image as mpimg

from bot.coaching.stats import my_stats
from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.slack import SlackStandIn
from bot.render import home_ids
from tests.conftest import NOW, ServerFactory, enroll_everyone, reconfigured
from tests.scenario.home_helpers import blocks_of, click, open_home, published, view_text


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    slack.add_user(
        "U0COACH", name="Carla Coach", email="carla@example.com", tz="Europe/Berlin", locale="en-US"
    )
    slack.add_user("U0GRETA", name="Greta Neu", email="greta@example.org", locale="de-AT")
    slack.add_user("U0KARL", name="Karl Coach", email="karl@example.org", locale="de-DE")
    built = reconfigured(container, slack, crmcoach_coaches="U0COACH,U0KARL")
    enroll_everyone(built, team_id=slack.team_id, now=NOW)
    tick(delivery=built.delivery, now=NOW + timedelta(hours=5))  # welcomes
    return built


@pytest.fixture
def url(enrolled: Container, serve: ServerFactory) -> str:
    return serve(enrolled)


def _png(slack: SlackStandIn, file_id: str) -> bytes:
    content = slack.uploads[file_id]["content"]
    assert isinstance(content, bytes)
    return content


def test_a_linked_manager_sees_numbers_charts_and_buttons_in_german(
    url: str, slack: SlackStandIn, enrolled: Container
) -> None:
    view = open_home(url, slack, "U0ANNA")

    stats = my_stats(
        identities=enrolled.identities,
        stats=enrolled.stats,
        team_id=slack.team_id,
        slack_user_id="U0ANNA",
        now=NOW,
    ).stats
    text = view_text(view)
    assert "Dein CRM Coach" in text and "Diese Woche" in text
    assert f"Dein Team: {stats.stale_deals}" in text and f"Du: {stats.own_stale_deals}" in text
    images = blocks_of(view, "image")
    assert [image["block_id"] for image in images] == ["chart_focus", "chart_hygiene"]
    hygiene = images[1]
    assert f"KW 48: {stats.stale_deals}" in hygiene["alt_text"]
    assert f"KW 48: {stats.deals_without_next_step}" in hygiene["alt_text"]
    picture = mpimg.imread(io.BytesIO(_png(slack, hygiene["slack_file"]["id"])), format="png")
    assert picture.shape[:2] == (400, 800)
    buttons = [e["action_id"] for b in blocks_of(view, "actions") for e in b["elements"]]
    assert {
        home_ids.ACTION_OPEN_SETTINGS,
        home_ids.ACTION_PAUSE,
        home_ids.ACTION_EXPORT,
        home_ids.ACTION_DELETE,
    } <= set(buttons)
    assert "Nächster Wochenimpuls" in text and "Nächste Lektion" in text


def test_charts_are_uploaded_again_only_when_the_numbers_change(url: str, slack: SlackStandIn) -> None:
    first = open_home(url, slack, "U0JAMES")
    second = open_home(url, slack, "U0JAMES")

    assert "Your CRM Coach" in view_text(first) and "This week" in view_text(first)
    ids_first = [b["slack_file"]["id"] for b in blocks_of(first, "image")]
    assert ids_first == [b["slack_file"]["id"] for b in blocks_of(second, "image")]
    assert len(slack.calls_to("files.completeUploadExternal")) == len(ids_first) == 2


def test_an_unlinked_person_sees_how_to_get_linked(url: str, slack: SlackStandIn) -> None:
    view = open_home(url, slack, "U0PAT")

    text = view_text(view)
    assert "Get linked to the CRM" in text
    assert "crmcoach managers link --slack U0PAT" in text
    assert not blocks_of(view, "image")
    buttons = [e["action_id"] for b in blocks_of(view, "actions") for e in b["elements"]]
    assert home_ids.ACTION_EXPORT in buttons and home_ids.ACTION_DELETE in buttons


def test_unlinked_people_and_coaches_get_their_home_in_german_too(url: str, slack: SlackStandIn) -> None:
    unlinked = view_text(open_home(url, slack, "U0GRETA"))
    coach = view_text(open_home(url, slack, "U0KARL"))

    assert "Mit dem CRM verknüpfen" in unlinked and "crmcoach managers link --slack U0GRETA" in unlinked
    assert "Meine Daten löschen" in unlinked
    assert "Dein Team, Coach" in coach and "Neue Übung" in coach and "Keine geplanten Übungen." in coach


def test_a_coach_sees_the_team_table_trend_and_broadcast_buttons(url: str, slack: SlackStandIn) -> None:
    open_home(url, slack, "U0ANNA")  # her numbers of this week are taken in
    view = open_home(url, slack, "U0COACH")

    text = view_text(view)
    assert "Your team, coach" in text and "Anna Berger" in text
    assert "No scheduled broadcasts." in text
    buttons = [e["action_id"] for b in blocks_of(view, "actions") for e in b["elements"]]
    assert home_ids.ACTION_NEW_BROADCAST in buttons
    [chart] = blocks_of(view, "image")
    assert chart["block_id"] == "chart_team_hygiene" and "W48:" in chart["alt_text"]

    assert click(url, slack, "U0COACH", home_ids.ACTION_NEW_BROADCAST) == 200
    [opened] = slack.wait_for("views.open")
    assert "broadcast_composer" in json.dumps(opened.params)


def test_task_buttons_on_home_record_the_answer_and_refresh(
    url: str, slack: SlackStandIn, enrolled: Container
) -> None:
    tick(
        delivery=enrolled.delivery, now=NOW + timedelta(days=7)
    )  # Monday: the weekly nudge with a practice task
    view = open_home(url, slack, "U0JAMES")
    task_blocks = [b for b in blocks_of(view, "actions") if b.get("block_id", "").startswith("home_task_")]
    assert task_blocks, view_text(view)
    task_id = task_blocks[0]["elements"][0]["value"]

    before = len(slack.calls_to("views.publish"))
    assert click(url, slack, "U0JAMES", home_ids.ACTION_HOME_TASK_DONE, task_id) == 200
    after = published(slack, "U0JAMES", after=before)

    remaining = [b["block_id"] for b in blocks_of(after, "actions")]
    assert f"home_task_{task_id}" not in remaining
