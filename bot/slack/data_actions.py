"""People's data in their own hands: "Export my data" (a JSON file in their DM) and "Delete my data"
(after a confirm modal, every row about them goes and nothing more is sent)."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.container import Container
from bot.delivery import outbound
from bot.i18n import Language, t
from bot.render import home as render_home
from bot.render import home_ids as ids
from bot.slack.replies import known_language
from bot.store.personal_data import ForgetReport, export_person, forget_person

log = logging.getLogger(__name__)


def send_export(container: Container, *, team_id: str, user_id: str, language: Language) -> bool:
    """Upload everything stored about the person as JSON into their DM; on failure False, and a DM says so."""
    export = export_person(container.sessions, team_id=team_id, slack_user_id=user_id)
    now = container.clock()
    document = {
        "exported_at": now.isoformat(),
        "team_id": export.team_id,
        "slack_user_id": export.slack_user_id,
        "tables": export.tables,
    }
    try:
        channel = str(container.slack.conversations_open(users=user_id)["channel"]["id"])
        container.slack.files_upload_v2(
            channel=channel,
            filename=f"crm-coach-my-data-{now:%Y-%m-%d}.json",
            content=json.dumps(document, indent=2, ensure_ascii=False, default=str),
            title=t(language, "dashboard.export"),
            initial_comment=t(language, "privacy.export_comment", rows=export.row_count),
        )
    except SlackApiError as exc:
        log.error("data export for %s/%s failed: %s", team_id, user_id, exc.response.get("error"))
        outbound.notify(
            delivery=container.delivery,
            team_id=team_id,
            user_id=user_id,
            text=t(language, "privacy.export_failed"),
        )
        return False
    return True


def delete_everything(container: Container, *, team_id: str, user_id: str) -> ForgetReport:
    return forget_person(container.sessions, team_id=team_id, slack_user_id=user_id)


def show_deleted(container: Container, *, user_id: str, language: Language, rows: int) -> None:
    try:
        container.slack.views_publish(user_id=user_id, view=render_home.deleted_home(language, rows))
    except SlackApiError as exc:
        log.error("views.publish after delete failed for %s: %s", user_id, exc.response.get("error"))


def register(app: App, container: Container) -> None:
    @app.action(ids.ACTION_EXPORT)
    def on_export(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        language = known_language(container, team_id, user_id) or "en"
        send_export(container, team_id=team_id, user_id=user_id, language=language)

    @app.action(ids.ACTION_DELETE)
    def on_delete(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        language = known_language(container, team_id, user_id) or "en"
        try:
            container.slack.views_open(trigger_id=body["trigger_id"], view=render_home.delete_modal(language))
        except SlackApiError as exc:
            log.error("views.open (delete) failed for %s: %s", user_id, exc.response.get("error"))

    @app.view(ids.DELETE_CALLBACK)
    def on_delete_confirmed(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        language = known_language(container, team_id, user_id) or "en"
        # Deleted before the modal closes: what the person sees next is already without their data.
        report = delete_everything(container, team_id=team_id, user_id=user_id)
        ack()
        log.info("deleted %d rows about %s/%s on their request", report.total, team_id, user_id)
        show_deleted(container, user_id=user_id, language=language, rows=report.total)
