"""`/crmcoach` through the real HTTP app: signed requests in, what Slack receives out."""

from __future__ import annotations

import logging
import time

import pytest

from bot.coaching.identity import link_manager
from bot.container import Container
from bot.crm.demo import DemoConnector
from bot.demo.standins.local_server import start_local_server
from bot.demo.standins.requests import post_signed, slash_command_body
from bot.demo.standins.slack import SlackStandIn
from bot.formatting import format_int, format_money
from bot.slack.app import build_app
from bot.store.db import make_engine
from bot.web import EVENTS_PATH, build_wsgi
from tests.conftest import NOW, SIGNING_SECRET, ServerFactory, replace
from tests.fakes.crm import ExplodingConnector, GatedConnector
from tests.helpers import all_text, command, final_reply, managers, reply
from tests.oracle import expected_stats


def test_help_for_a_known_user_comes_with_the_ack(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0JAMES", "stats")
    reply(slack)  # first contact: profile read, language known from now on

    ack = command(base_url, slack, "U0JAMES", "help")

    assert ack.status == 200
    body = ack.json()
    assert "/crmcoach stats" in all_text(body)
    assert body["blocks"][0]["type"] == "section" or body["blocks"][0]["type"] == "header"
    assert len(slack.calls_to("response_url")) == 1  # nothing more was posted


def test_first_contact_help_arrives_in_the_users_slack_language(base_url: str, slack: SlackStandIn) -> None:
    ack = command(base_url, slack, "U0ANNA", "")

    assert ack.status == 200 and ack.body == ""
    message = final_reply(slack)
    assert "Was du mich fragen kannst" in all_text(message)
    assert message["response_type"] == "ephemeral"
    info = slack.calls_to("users.info")[0].params
    assert info["user"] == "U0ANNA" and info["include_locale"] in ("1", "true", "True")


def test_stats_show_the_managers_own_numbers(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    ack = command(base_url, slack, "U0JAMES", "stats")

    assert ack.status == 200
    message = final_reply(slack)
    text = all_text(message)
    expected = expected_stats(container.engine, "M00002", NOW)
    assert expected.open_deals > 0 and expected.stale > 0  # the seed must exercise every number
    assert "Your pipeline, James" in text
    assert f"You and your {expected.team_size} direct reports" in text
    assert f"*Open deals*\n{expected.open_deals} · {format_money(expected.open_value, 'EUR', 'en')}" in text
    assert f"(no activity for 14+ days)\n{expected.stale}" in text
    assert f"*Without a next step*\n{expected.no_next_step}" in text
    assert f"*Close date passed*\n{expected.overdue}" in text
    assert f"You: {expected.activities_manager} · Team: {expected.activities_team}" in text
    assert f"Won {expected.won_90d} · Lost {expected.lost_90d}" in text
    assert f"<!date^{int(NOW.timestamp())}^" in text  # when the numbers were fetched
    assert message["response_type"] == "ephemeral"
    stored = managers(container.engine)
    assert [(m.slack_user_id, m.crm_owner_id, m.link_source, m.tz) for m in stored] == [
        ("U0JAMES", "M00002", "email", "America/New_York")
    ]


def test_stats_in_german_use_german_numbers(base_url: str, slack: SlackStandIn, container: Container) -> None:
    command(base_url, slack, "U0ANNA", "stats")

    text = all_text(final_reply(slack))
    expected = expected_stats(container.engine, "M00001", NOW)
    assert "Deine Pipeline, Anna" in text
    assert f"*Offene Deals*\n{format_int(expected.open_deals, 'de')} · " in text
    assert format_money(expected.open_value, "EUR", "de") in text
    assert "." in format_money(expected.open_value, "EUR", "de")  # thousands separator


def test_unknown_subcommand_gets_a_hint_and_the_help(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0JAMES", "stats")
    reply(slack)

    body = command(base_url, slack, "U0JAMES", "forecast please").json()

    text = all_text(body)
    assert "I don't know `forecast` yet" in text
    assert "/crmcoach stats" in text


def test_a_user_without_crm_owner_learns_how_to_get_linked(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    command(base_url, slack, "U0PAT", "stats")

    text = all_text(final_reply(slack))
    assert "pat@example.org" in text
    assert "crmcoach managers link --slack U0PAT --crm-email" in text
    [pat] = managers(container.engine)
    assert pat.crm_owner_id is None and pat.email == "pat@example.org"  # visible to admins


def test_a_profile_without_email_explains_the_manual_link(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0NOMAIL", "stats")

    text = all_text(final_reply(slack))
    assert "can't see an email address" in text
    assert "--slack U0NOMAIL" in text


def test_an_admin_link_wins_over_the_email_match(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    link_manager(
        sessions=container.sessions,
        crm=container.crm,
        team_id=slack.team_id,
        slack_user_id="U0PAT",
        crm_email="sofia.rossi@example.com",
    )

    command(base_url, slack, "U0PAT", "stats")

    assert "Your pipeline, Sofia" in all_text(final_reply(slack))
    [pat] = managers(container.engine)
    assert (pat.crm_owner_id, pat.link_source, pat.email) == ("M00003", "admin", "pat@example.org")


def test_slack_rate_limit_on_users_info_is_waited_out(base_url: str, slack: SlackStandIn) -> None:
    slack.fail_next("users.info", status=429, retry_after=1)

    command(base_url, slack, "U0JAMES", "stats")

    assert "Your pipeline, James" in all_text(final_reply(slack))
    assert [call.status for call in slack.calls_to("users.info")] == [429, 200]


def test_slack_down_while_reading_the_profile_gets_a_retry_hint(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    slack.fail_next("users.info", status=503, error="service_unavailable", times=10)

    command(base_url, slack, "U0JAMES", "stats")

    text = all_text(final_reply(slack))
    assert "couldn't read your Slack profile" in text
    assert "try again" in text
    assert len(slack.calls_to("users.info")) == 3  # the first try and two retries


def test_the_ack_does_not_wait_for_the_crm(
    container: Container, serve: ServerFactory, slack: SlackStandIn
) -> None:
    gated = GatedConnector(container.crm)
    base_url = serve(replace(container, crm=gated))

    ack = command(base_url, slack, "U0JAMES", "stats")

    assert ack.status == 200  # acknowledged while the CRM call is still blocked
    assert gated.entered.wait(5)
    assert slack.calls_to("response_url") == []
    gated.gate.set()
    assert "Your pipeline" in all_text(final_reply(slack))


def test_a_crm_outage_is_explained_not_shown(
    container: Container, serve: ServerFactory, slack: SlackStandIn, tmp_path: object
) -> None:
    broken = DemoConnector(make_engine(f"sqlite:///{tmp_path}/no-tables.db"))
    link_manager(
        sessions=container.sessions,
        crm=container.crm,
        team_id=slack.team_id,
        slack_user_id="U0JAMES",
        crm_email="james.miller@example.com",
    )
    base_url = serve(replace(container, crm=broken))

    command(base_url, slack, "U0JAMES", "stats")

    text = all_text(final_reply(slack))
    assert "Demo CRM is not answering right now" in text
    assert "Traceback" not in text and "sqlite" not in text.lower()


def test_a_bug_gets_an_apology_and_a_log_entry(
    container: Container, serve: ServerFactory, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    base_url = serve(replace(container, crm=ExplodingConnector(container.crm)))

    with caplog.at_level(logging.ERROR):
        command(base_url, slack, "U0JAMES", "stats")
        text = all_text(final_reply(slack))

    assert "something went wrong on our side" in text
    assert "dealstage" not in text and "KeyError" not in text
    assert any("stats failed for T0TEST/U0JAMES" in r.getMessage() for r in caplog.records)


def test_a_refused_reply_is_logged(
    base_url: str, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail_next("response_url", status=404, error="expired_url")

    with caplog.at_level(logging.ERROR):
        command(base_url, slack, "U0JAMES", "stats")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("refused" in r.getMessage() for r in caplog.records):
            time.sleep(0.02)

    assert any("response_url refused the reply: HTTP 404" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hilfe", "/crmcoach stats"),
        ("einstellungen", "You are not receiving coaching messages yet"),
        ("frage", "Ask me something"),
    ],
)
def test_german_subcommands_work_for_an_english_user(
    base_url: str, slack: SlackStandIn, typed: str, expected: str
) -> None:
    command(base_url, slack, "U0JAMES", "stats")
    reply(slack)  # James is known (English) from now on

    body = command(base_url, slack, "U0JAMES", typed).json()

    assert expected in all_text(body)
    assert "I don't know" not in all_text(body)


def test_a_failure_before_the_ack_is_answered_with_an_apology(
    container: Container, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(container.settings, container)

    @app.command("/crmcoach-broken")
    def broken(ack: object) -> None:
        raise RuntimeError("database password is hunter2")

    base_url, server = start_local_server(
        build_wsgi(app, engine=container.engine, signing_secret=SIGNING_SECRET)
    )
    try:
        with caplog.at_level(logging.ERROR):
            body = slash_command_body(
                team_id=slack.team_id,
                user_id="U0JAMES",
                text="now",
                response_url=slack.response_url(None),
                command="/crmcoach-broken",
            )
            result = post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET)
    finally:
        server.close()

    assert result.status == 200
    message = result.json()
    assert message["response_type"] == "ephemeral"
    assert "something went wrong on our side" in all_text(message) and "hunter2" not in all_text(message)
    assert any("/crmcoach-broken now failed for T0TEST/U0JAMES" in r.getMessage() for r in caplog.records)
