"""`crmcoach demo`: the real app end to end, with Slack replaced by a local stand-in.

Seeds the demo CRM into an embedded SQLite file, serves the real WSGI app on a local port,
sends signed `/crmcoach` requests as Slack would, and prints what each manager would see.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from bot.config import load_settings
from bot.container import Container, build_container
from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.delivery.enroll import enroll_from_crm
from bot.delivery.worker import delivery_client, tick
from bot.demo.home import show_home_and_export
from bot.demo.standins.local_server import local_server
from bot.demo.standins.render import message_panel
from bot.demo.standins.requests import block_actions_body, event_body, post_signed, slash_command_body
from bot.demo.standins.slack import SlackStandIn
from bot.slack import ids
from bot.slack.app import build_app
from bot.slack_gateway import SlackGateway
from bot.store.migrations import ensure_schema
from bot.web import EVENTS_PATH, build_wsgi

DEMO_DIR = Path(".demo")
DEMO_OUTPUT = Path("crmcoach-demo-output")  # kept after the demo: the Home chart and a data export
SIGNING_SECRET = "demo-signing-secret"  # noqa: S105 - the local stand-in's, not a real secret

# (Slack user, name, e-mail, tz, Slack locale, what they type)
SCRIPT = (
    (
        "U0ANNA",
        "Anna Berger",
        demo_manager_email(0),
        "Europe/Vienna",
        "de-DE",
        ("help", "stats", "ask Wie wird unser Pipeline-Review kürzer und besser?"),
    ),
    (
        "U0JAMES",
        "James Miller",
        demo_manager_email(1),
        "America/New_York",
        "en-US",
        (
            "stats",
            "ask half of my deals have no next step, what do I do?",
            "ask our crm shows 60 open deals and half of them are hot air, how do I get to a real number?",
            "ask which deals are overdue?",
            "ask what are our 3 biggest deals?",
            "ask pipeline by stage",
            "ask where in salesforce do I build a report of my team's overdue opportunities?",
            "ask how many overdue deals does the CEO have?",
            "ask how many deals did we close this quarter?",
            "ask how many deals did I win myself?",
        ),
    ),
    ("U0PAT", "Pat Newcomer", "pat.newcomer@example.org", "Europe/London", "en-GB", ("stats", "forecast")),
)


def run_demo(*, keep: bool = False, console: Console | None = None) -> int:
    console = console or Console()
    logging.getLogger("bot").setLevel(logging.WARNING)  # the demo shows what users see, not our logs
    DEMO_DIR.mkdir(exist_ok=True)
    database = DEMO_DIR / "crmcoach-demo.db"
    for leftover in DEMO_DIR.glob("crmcoach-demo.db*"):
        leftover.unlink()
    with SlackStandIn(team_id="T0DEMO", team_name="Demo Org") as slack:
        for user_id, name, email, tz, locale, _ in SCRIPT:
            slack.add_user(user_id, name=name, email=email, tz=tz, locale=locale)
        slack.add_user("U0CARLA", name="Carla Coach", email="carla.coach@example.org", tz="Europe/Berlin")
        slack.add_channel("C0LEADS", "sales-leads")
        settings = load_settings(
            DATABASE_URL=f"sqlite:///{database}",
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_APP_TOKEN=None,
            SLACK_API_URL=slack.api_url,
            CRM_CONNECTOR="demo",
            CRMCOACH_COACHES="U0CARLA",
        )
        container = build_container(settings)
        ensure_schema(container.engine)
        seeded = seed_demo(container.engine)
        console.rule("[bold]CRM Coach demo")
        console.print(
            f"Demo CRM: {seeded.managers} managers, {seeded.reps} reps, {seeded.deals} deals, "
            f"{seeded.activities} activities (SQLite: {database}). Slack is a local stand-in.\n"
        )
        app = build_app(settings, container)
        with local_server(
            build_wsgi(
                app, engine=container.engine, signing_secret=container.settings.slack.request_signing_secret()
            )
        ) as base_url:
            for user_id, name, _email, _tz, _locale, commands in SCRIPT:
                for text in commands:
                    _show_command(console, slack, base_url, user_id=user_id, name=name, text=text)
            _show_direct_message(
                console,
                slack,
                base_url,
                user_id="U0PAT",
                name="Pat Newcomer",
                text="I'm new to the CRM. Where do I start?",
            )
            _show_delivery(console, slack, base_url, container)
            _show_direct_message(
                console, slack, base_url, user_id="U0JAMES", name="James Miller", text="too many messages!"
            )
            _show_reflection(console, slack, base_url, container)
            _show_coaching(console, slack, base_url)
            show_home_and_export(
                console, slack, base_url, container=container, secret=SIGNING_SECRET, out_dir=DEMO_OUTPUT
            )
        report = container.stats.refresh_all(team_id=slack.team_id, now=container.clock())
        console.print(
            f"[bold]Weekly bulk refresh:[/bold] {report.managers} managers' numbers fetched from "
            f"{container.crm.display_name} in one pass and cached ({report.seconds:.2f} s).\n"
        )
        container.engine.dispose()
    if not keep:
        shutil.rmtree(DEMO_DIR, ignore_errors=True)
    console.rule("[bold green]Demo finished")
    return 0


def _show_delivery(console: Console, slack: SlackStandIn, base_url: str, container: Container) -> None:
    """Enrollment from the CRM, then next Monday as it happens: welcome, weekly nudge, a button click."""
    today = datetime.now(UTC)
    monday = (today + timedelta(days=7 - today.weekday())).replace(hour=7, minute=0, second=0, microsecond=0)
    report = enroll_from_crm(
        sessions=container.sessions,
        crm=container.crm,
        profiles=SlackGateway(delivery_client(container.delivery)),
        settings=container.settings,
        team_id=slack.team_id,
        now=monday,
    )
    console.rule("[bold]Scheduled coaching")
    console.print(
        f"Enrolled {report.enrolled} managers from the CRM (not in Slack: "
        f"{', '.join(report.not_in_slack) or 'nobody'})."
    )
    for hour in (8, 14):  # 09:00 in Vienna, 09:00 in New York
        moment = monday.replace(hour=hour)
        planned, outcomes = tick(delivery=container.delivery, now=moment)
        console.print(
            f"[bold]crmcoach tick --now {moment:%Y-%m-%dT%H:%MZ}[/bold]: planned {planned}, "
            f"{dict(outcomes) or 'nothing to send'}"
        )
    for user_id, name in (("U0ANNA", "Anna Berger"), ("U0JAMES", "James Miller")):
        for message in slack.messages_in(f"D{user_id}"):
            kind = message["metadata"]["event_payload"]["kind"]
            console.print(message_panel(message, title=f"{name}'s DM: {kind}"))
    nudge = slack.messages_in("DU0ANNA")[-1]
    actions = next(b for b in nudge["blocks"] if b.get("block_id") == ids.BLOCK_TASK_ACTIONS)
    done = next(e for e in actions["elements"] if e["action_id"] == ids.ACTION_TASK_DONE)
    body = block_actions_body(
        team_id=slack.team_id,
        user_id="U0ANNA",
        action_id=ids.ACTION_TASK_DONE,
        value=done["value"],
        response_url=slack.response_url(),
        message=nudge,
        channel_id="DU0ANNA",
        block_id=ids.BLOCK_TASK_ACTIONS,
    )
    before = len(slack.calls_to("response_url"))
    post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET)
    replaced = slack.wait_for("response_url", count=before + 1)[-1].params
    console.print("[bold]Anna Berger[/bold] clicks [green]Erledigt[/green] (Done) on her practice task:")
    console.print(message_panel({"blocks": replaced["blocks"][-1:]}, title="The nudge now ends with"))
    next_week = monday.replace(hour=8) + timedelta(days=7)  # the curriculum's second week
    for hour in range(1, 7 * 24 + 1):  # the week in between as it happens (micro-lessons included)
        tick(delivery=container.delivery, now=monday.replace(hour=8) + timedelta(hours=hour))
    console.print(f"[bold]crmcoach tick[/bold], hour by hour until {next_week:%Y-%m-%dT%H:%MZ}: a week later")
    second = [m for m in slack.messages_in("DU0ANNA") if m["metadata"]["event_payload"]["kind"] == "nudge"][
        -1
    ]
    console.print(
        message_panel(second, title="Anna Berger's second weekly nudge: the result, the same focus")
    )
    console.print()


def _show_reflection(console: Console, slack: SlackStandIn, base_url: str, container: Container) -> None:
    """Tuesday's micro-lesson asks a question; Anna's reply is kept for her coach, not answered."""
    today = datetime.now(UTC)
    tuesday = (today + timedelta(days=8 - today.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
    tick(delivery=container.delivery, now=tuesday)  # 10:00 in Vienna
    lessons = [
        m for m in slack.messages_in("DU0ANNA") if m["metadata"]["event_payload"].get("kind") == "lesson"
    ]
    if lessons:
        console.print(message_panel(lessons[-1], title="Anna Berger's DM on Tuesday: lesson"))
    reply = "Ehrlich gesagt eher nicht – bei meinen eigenen Deals fehlt oft der nächste Schritt."
    _show_direct_message(console, slack, base_url, user_id="U0ANNA", name="Anna Berger", text=reply)


def _show_coaching(console: Console, slack: SlackStandIn, base_url: str) -> None:
    """A coach broadcasts an exercise; two managers react; the coach looks at the team."""
    console.rule("[bold]A coach's driving lesson")
    _show_command(
        console,
        slack,
        base_url,
        user_id="U0CARLA",
        name="Carla Coach",
        text="broadcast <#C0LEADS|sales-leads> pipeline-review-stale-first",
    )
    posted = slack.messages_in("C0LEADS")[-1]
    console.print(message_panel(posted, title="#sales-leads"))
    actions = next(b for b in posted["blocks"] if b["type"] == "actions")
    for user_id, name, action in (
        ("U0ANNA", "Anna Berger", ids.ACTION_BROADCAST_DONE),
        ("U0JAMES", "James Miller", ids.ACTION_BROADCAST_HELP),
    ):
        value = next(e["value"] for e in actions["elements"] if e["action_id"] == action)
        body = block_actions_body(
            team_id=slack.team_id,
            user_id=user_id,
            action_id=action,
            value=value,
            response_url=slack.response_url(),
            message=posted,
            channel_id="C0LEADS",
        )
        before = len(slack.calls_to("response_url"))
        post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET)
        answer = slack.wait_for("response_url", count=before + 1)[-1].params
        label = next(e["text"]["text"] for e in actions["elements"] if e["action_id"] == action)
        console.print(f"[bold]{name}[/bold] clicks [green]{label}[/green] → {answer['text']}")
    for message in slack.messages_in("DU0CARLA"):
        console.print(message_panel(message, title="Carla's DM"))
    _show_command(console, slack, base_url, user_id="U0CARLA", name="Carla Coach", text="team")


def _show_direct_message(
    console: Console, slack: SlackStandIn, base_url: str, *, user_id: str, name: str, text: str
) -> None:
    console.print(f"[bold]{name}[/bold] sends the bot a direct message: [cyan]{text}[/cyan]")
    before = len(slack.calls_to("chat.postMessage"))
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user_id}",
        "user": user_id,
        "text": text,
        "ts": "1700000000.000100",
        "event_ts": "1700000000.000100",
    }
    body = event_body(team_id=slack.team_id, event=event, event_id=f"EvDEMO{before}")
    post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET, content_type="application/json")
    answer = slack.wait_for("chat.postMessage", count=before + 1, timeout=15)[-1].params
    console.print(message_panel(answer, title=f"The bot answers in {name}'s direct message"))
    console.print()


def _show_command(
    console: Console, slack: SlackStandIn, base_url: str, *, user_id: str, name: str, text: str
) -> None:
    console.print(f"[bold]{name}[/bold] types [cyan]/crmcoach {text}[/cyan]")
    response_url = slack.response_url()
    before = len(slack.calls_to("response_url"))
    body = slash_command_body(team_id=slack.team_id, user_id=user_id, text=text, response_url=response_url)
    ack = post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET)
    # Bolt acks plain text as a text/plain body and blocks as JSON; Slack shows either.
    immediate: dict[str, Any] = ack.json() if ack.body.startswith("{") else {"text": ack.body}
    if immediate.get("text") or immediate.get("blocks"):
        console.print(message_panel(immediate, title=f"Slack shows {name} at once (only visible to them)"))
    if immediate.get("blocks") is None:  # the full answer follows through the response_url
        later = slack.wait_for("response_url", count=before + 1, timeout=15)[-1].params
        console.print(message_panel(later, title=f"…a moment later (only visible to {name})"))
    console.print()
