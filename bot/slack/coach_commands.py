"""`/crmcoach broadcast` and `/crmcoach team` for coaches, and the buttons on broadcast exercises."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.broadcast_schedule import active_schedules, cancel_schedule
from bot.coaching.broadcasts import (
    BroadcastProblem,
    parse_target,
    record_response,
)
from bot.coaching.team import team_csv, team_progress
from bot.container import Container
from bot.i18n import Language, t
from bot.slack import blocks, coach_blocks, ids
from bot.slack.blocks import slack_date
from bot.slack.composer import open_composer, post_now
from bot.slack.replies import known_language
from bot.slack.responder import notify_user, reply_ephemeral
from bot.store.coach_models import Broadcast

log = logging.getLogger(__name__)
COACH_COMMANDS = {"broadcast", "broadcasts", "team"}


def not_a_coach(
    container: Container, user_id: str, subcommand: str, language: Language
) -> dict[str, Any] | None:
    """The refusal for non-coaches (naming who can grant the role), or None for a coach."""
    if container.coaches.is_coach(user_id):
        return None
    group = container.coaches.group
    hint = t(language, "coach.group_hint", group=group) if group else ""
    what = t(language, "coach.what_team" if subcommand == "team" else "coach.what_broadcast")
    text = t(language, "coach.only_coaches", what=what, group=hint)
    return _text(text)


def broadcast_reply(
    container: Container, body: dict[str, Any], rest: str, language: Language
) -> dict[str, Any]:
    """`/crmcoach broadcast #channel …` (lazy listener): the coach gets a confirmation or the fix."""
    try:
        channel_id, content = parse_target(rest)
    except BroadcastProblem as problem:
        return _text(t(language, problem.key, **problem.values))
    return _text(
        post_now(
            container,
            container.slack,
            team_id=body["team_id"],
            coach_id=body["user_id"],
            channel_id=channel_id,
            content=content,
            lesson_language=language,
            language=language,
        )
    )


def team_reply(container: Container, body: dict[str, Any], rest: str, language: Language) -> dict[str, Any]:
    page = int(rest) if rest.strip().isdigit() else 1
    scope = None  # every enrolled manager of this workspace (teams are scoped by team_id)
    progress = team_progress(container.sessions, team_id=body["team_id"], scope=scope, now=container.clock())
    return coach_blocks.team_message(progress, page=page, language=language)


def export_reply(container: Container, body: dict[str, Any], language: Language) -> dict[str, Any]:
    """Upload the team view as CSV into the coach's DM (files upload v2)."""
    coach_id, now = body["user_id"], container.clock()
    scope = None  # every enrolled manager of this workspace (teams are scoped by team_id)
    progress = team_progress(container.sessions, team_id=body["team_id"], scope=scope, now=now)
    try:
        channel = str(container.slack.conversations_open(users=coach_id)["channel"]["id"])
        container.slack.files_upload_v2(
            channel=channel,
            filename=f"crm-coach-team-{now:%Y-%m-%d}.csv",
            content=team_csv(progress),
            title=t(language, "team.title"),
            initial_comment=t(language, "team.export_comment", count=len(progress)),
        )
    except SlackApiError as exc:
        log.error("team export for %s failed: %s", coach_id, exc.response.get("error"))
        return _text(t(language, "team.export_failed"))
    return _text(t(language, "team.export_sent"))


def acknowledge(
    ack: Ack, container: Container, body: dict[str, Any], *, subcommand: str, rest: str, language: Language
) -> None:
    """The ack for coach commands: a refusal, an answer from the database, or the composer."""
    refusal = not_a_coach(container, body["user_id"], subcommand, language)
    if refusal is not None:
        ack(**refusal)
    elif subcommand == "team" and rest.lower() == "export":
        ack(text=t(language, "team.export_preparing"))
    elif subcommand == "team":
        ack(**team_reply(container, body, rest, language))
    elif subcommand == "broadcasts":
        ack(**schedules_reply(container, body, rest, language))
    elif not rest:
        ack()  # the composer must open within the trigger's 3 seconds
        open_composer_for(container, body, language)
    else:
        ack(text=t(language, "broadcast.posting"))


def open_composer_for(container: Container, body: dict[str, Any], language: Language) -> None:
    try:
        open_composer(container.slack, trigger_id=body["trigger_id"], language=language)
    except SlackApiError as exc:
        log.error("views.open failed for %s: %s", body.get("user_id"), exc.response.get("error"))


def schedules_reply(
    container: Container, body: dict[str, Any], rest: str, language: Language
) -> dict[str, Any]:
    """`/crmcoach broadcasts` lists the coach's schedules; `broadcasts cancel 3` stops one."""
    team_id, coach_id, now = body["team_id"], body["user_id"], container.clock()
    words = rest.split()
    if len(words) == 2 and words[0].lower() in ("cancel", "stornieren") and words[1].lstrip("#").isdigit():
        number = int(words[1].lstrip("#"))
        done = cancel_schedule(
            container.sessions, team_id=team_id, coach_user_id=coach_id, schedule_id=number
        )
        return _text(t(language, "composer.cancelled" if done else "composer.not_yours", id=number))
    schedules = active_schedules(container.sessions, team_id=team_id, coach_user_id=coach_id, now=now)
    if not schedules:
        return _text(t(language, "composer.none"))
    library = container.coach.library
    lines = [t(language, "composer.list_title")]
    for schedule, run in schedules:
        lesson = library.get(schedule.lesson_id, language) if schedule.lesson_id else None
        title = lesson.title if lesson else (schedule.text or "").split("\n")[0][:60]
        lines.append(
            t(
                language,
                "composer.list_line",
                id=schedule.id,
                channel=f"<#{schedule.channel_id}>",
                title=title,
                repeat=t(language, f"composer.repeat_{schedule.repeat}"),
                when=slack_date(run, language),
            )
        )
    lines.append(t(language, "composer.list_hint"))
    return _text("\n".join(lines))


# action id -> (recorded kind, reply the first time, reply when already answered)
BUTTONS: dict[str, tuple[Literal["done", "help"], str, str]] = {
    ids.ACTION_BROADCAST_DONE: ("done", "broadcast.recorded_done", "broadcast.already_done"),
    ids.ACTION_BROADCAST_HELP: ("help", "broadcast.help_sent", "broadcast.help_already"),
}


def register(app: App, container: Container) -> None:
    @app.action(re.compile("^(" + "|".join(BUTTONS) + ")$"))
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        kind, first_key, again_key = BUTTONS[action["action_id"]]
        first, broadcast = record_response(
            container.sessions,
            team_id=team_id,
            broadcast_id=_id(action),
            user_id=user_id,
            kind=kind,
            now=container.clock(),
        )
        if first and broadcast is not None and kind == "help":
            _ask_coach_for_help(container, client, broadcast, user_id=user_id)
        key = "broadcast.gone" if broadcast is None else (first_key if first else again_key)
        language = known_language(container, team_id, user_id) or "en"
        reply_ephemeral(body["response_url"], _text(t(language, key)))


def _ask_coach_for_help(
    container: Container, client: WebClient, broadcast: Broadcast, *, user_id: str
) -> None:
    coach_id, channel = broadcast.coach_user_id, broadcast.channel_id
    language = known_language(container, broadcast.team_id, coach_id) or (
        "de" if broadcast.language == "de" else "en"
    )
    try:
        link = str(
            client.chat_getPermalink(channel=channel, message_ts=broadcast.message_ts or "")["permalink"]
        )
    except SlackApiError:
        link = f"<#{channel}>"
    notify_user(
        client,
        coach_id,
        t(
            language,
            "broadcast.help_for_coach",
            user=user_id,
            title=broadcast.title,
            channel=channel,
            link=link,
        ),
    )


def _id(action: dict[str, Any]) -> int:
    try:
        return int(action.get("value", "0"))
    except ValueError:
        return 0


def _text(text: str) -> dict[str, Any]:
    return blocks.to_message(blocks.text_blocks(text), text)
