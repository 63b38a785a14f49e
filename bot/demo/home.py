"""The App Home part of `crmcoach demo`: a manager opens the Home tab (numbers, trend chart, tasks) and
exports their data. The chart and the export are written as files the demo names."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from bot.coaching.history import TREND_WEEKS, record_week
from bot.container import Container
from bot.demo.standins.render import message_panel
from bot.demo.standins.requests import event_body, interaction_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.render import home_ids
from bot.store.managers import find_manager
from bot.web import EVENTS_PATH


def show_home_and_export(
    console: Console,
    slack: SlackStandIn,
    base_url: str,
    *,
    container: Container,
    secret: str,
    out_dir: Path,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _earlier_weeks(container, slack.team_id, "U0ANNA")
    console.rule("[bold]App Home")
    console.print("[bold]Anna Berger[/bold] opens the bot's [cyan]Home[/cyan] tab:")
    event = {
        "type": "app_home_opened",
        "user": "U0ANNA",
        "channel": "DU0ANNA",
        "tab": "home",
        "event_ts": "1.1",
    }
    post_signed(
        base_url + EVENTS_PATH,
        event_body(team_id=slack.team_id, event=event, event_id="EvDEMOHOME"),
        secret=secret,
    )
    [call] = slack.wait_for("views.publish", timeout=30)[-1:]
    view = call.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    console.print(message_panel(view, title="Anna's Home tab"))
    for block in view["blocks"]:
        if block["type"] == "image":
            path = out_dir / f"anna-home-{block['block_id'].removeprefix('chart_')}.png"
            path.write_bytes(slack.uploads[block["slack_file"]["id"]]["content"])
            console.print(f"Chart [bold]{block['title']['text']}[/bold] → [cyan]{path}[/cyan]")
            console.print(f"  alt text: {block['alt_text']}", style="dim")
    console.print()

    console.print("[bold]Anna Berger[/bold] clicks [green]Meine Daten exportieren[/green] (Export my data):")
    before = len(slack.calls_to("files.completeUploadExternal"))
    post_signed(
        base_url + EVENTS_PATH,
        interaction_body(_button("U0ANNA", home_ids.ACTION_EXPORT, slack)),
        secret=secret,
    )
    upload = slack.wait_for("files.completeUploadExternal", count=before + 1, timeout=30)[-1]
    document: dict[str, Any] = json.loads(
        slack.uploads[json.loads(upload.params["files"])[0]["id"]]["content"]
    )
    path = out_dir / "anna-data-export.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in document["tables"].items())
    console.print(f"A JSON file arrives in her DM ({upload.params.get('initial_comment')}): {counts}")
    console.print(f"Written to [cyan]{path}[/cyan]\n")


def _earlier_weeks(container: Container, team_id: str, user_id: str) -> None:
    """The demo starts today; a real install would have taken in the earlier weeks' numbers one by one."""
    with container.sessions() as session:
        manager = find_manager(session, team_id, user_id)
        owner = manager.crm_owner_id if manager else None
    if owner is None:
        return
    now = container.clock()
    for weeks_back in range(1, TREND_WEEKS):
        then = now - timedelta(weeks=weeks_back)
        stats = container.crm.manager_stats(owner, now=then)
        record_week(container.sessions, team_id=team_id, slack_user_id=user_id, stats=stats, now=then)


def _button(user_id: str, action_id: str, slack: SlackStandIn) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": slack.team_id, "domain": "standin"},
        "user": {"id": user_id, "team_id": slack.team_id},
        "api_app_id": "A0CRMCOACH",
        "container": {"type": "view", "view_id": "V0STANDIN"},
        "trigger_id": f"{time.time():.6f}.demo",
        "view": {"id": "V0STANDIN", "type": "home", "blocks": []},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "home_personal",
                "value": "",
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
