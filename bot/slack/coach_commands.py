"""`/crmcoach broadcast`, `broadcasts` and `team`: the coaches' routes."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.coaching.broadcast_schedule import ActiveSchedule, active_schedules, cancel_schedule
from bot.coaching.broadcasts import BroadcastProblem, parse_target, split_language_option
from bot.coaching.team import ManagerProgress, team_csv, team_progress
from bot.container import Container
from bot.i18n import Language, command_words, t
from bot.render.kit import escape, slack_date
from bot.render.replies import text_message
from bot.render.team import team_message
from bot.slack.background import Message
from bot.slack.composer import open_composer, post_now
from bot.slack.router import Command, Route

log = logging.getLogger(__name__)


def refusal(command: Command, route: Route) -> Message:
    """The reply to non-coaches, naming who can grant the role."""
    language, group = command.language, command.container.coach_roster.group
    hint = t(language, "coach.group_hint", group=group) if group else ""
    what = t(language, "coach.what_team" if route.name == "team" else "coach.what_broadcast")
    return text_message(t(language, "coach.only_coaches", what=what, group=hint))


def _broadcast_ack(command: Command) -> Message | None:
    """Without a target the composer opens (after an empty ack); with one, the exercise is posted."""
    return {"text": t(command.language, "broadcast.posting")} if command.rest else None


def _open_composer(command: Command) -> None:
    if command.rest:
        return
    try:
        open_composer(
            command.container.slack, trigger_id=command.body["trigger_id"], language=command.language
        )
    except SlackApiError as exc:
        log.error("views.open failed for %s: %s", command.user_id, exc.response.get("error"))


def _broadcast(command: Command) -> Message | None:
    """`/crmcoach broadcast #channel …`: the coach gets a confirmation or the fix."""
    if not command.rest:
        return None
    language = command.language
    try:
        rest, languages = split_language_option(command.rest, coach_language=language)
        channel_id, content = parse_target(rest)
    except BroadcastProblem as problem:
        return text_message(t(language, problem.key, **problem.values))
    container = command.container
    posted = post_now(
        container,
        team_id=command.team_id,
        coach_id=command.user_id,
        channel_id=channel_id,
        content=content,
        languages=languages,
        language=language,
    )
    return text_message(posted)


def _wants_export(command: Command) -> bool:
    return command.rest.lower() in command_words("export")


def _team_ack(command: Command) -> Message:
    if _wants_export(command):
        return {"text": t(command.language, "team.export_preparing")}
    page = int(command.rest) if command.rest.strip().isdigit() else 1
    return team_message(_progress(command), page=page, language=command.language)


def _progress(command: Command) -> list[ManagerProgress]:
    scope = None  # every enrolled manager of this workspace (teams are scoped by team_id)
    container = command.container
    return team_progress(container.sessions, team_id=command.team_id, scope=scope, now=container.clock())


def _team_export(command: Command) -> Message | None:
    """Upload the team view as CSV into the coach's DM (files upload v2)."""
    if not _wants_export(command):
        return None
    language, slack, now = command.language, command.container.slack, command.container.clock()
    progress = _progress(command)
    try:
        channel = str(slack.conversations_open(users=command.user_id)["channel"]["id"])
        slack.files_upload_v2(
            channel=channel,
            filename=f"crm-coach-team-{now:%Y-%m-%d}.csv",
            content=team_csv(progress),
            title=t(language, "team.title"),
            initial_comment=t(language, "team.export_comment", count=len(progress)),
        )
    except SlackApiError as exc:
        log.error("team export for %s failed: %s", command.user_id, exc.response.get("error"))
        return text_message(t(language, "team.export_failed"))
    return text_message(t(language, "team.export_sent"))


def _schedules(command: Command) -> Message:
    """`/crmcoach broadcasts` lists the coach's schedules; `broadcasts cancel 3` stops one."""
    container, language = command.container, command.language
    words = command.rest.split()
    if len(words) == 2 and words[0].lower() in command_words("cancel") and words[1].lstrip("#").isdigit():
        number = int(words[1].lstrip("#"))
        done = cancel_schedule(
            container.sessions, team_id=command.team_id, coach_user_id=command.user_id, schedule_id=number
        )
        return text_message(t(language, "composer.cancelled" if done else "composer.not_yours", id=number))
    schedules = active_schedules(
        container.sessions, team_id=command.team_id, coach_user_id=command.user_id, now=container.clock()
    )
    if not schedules:
        return text_message(t(language, "composer.none"))
    lines = [t(language, "composer.list_title")]
    lines += [_schedule_line(container, schedule, language) for schedule in schedules]
    lines.append(t(language, "composer.list_hint"))
    return text_message("\n".join(lines))


def _schedule_line(container: Container, schedule: ActiveSchedule, language: Language) -> str:
    lesson = container.answers.library.get(schedule.lesson_id, language) if schedule.lesson_id else None
    title = lesson.title if lesson else (schedule.text or "").split("\n")[0][:60]
    return t(
        language,
        "composer.list_line",
        id=schedule.id,
        channel=f"<#{schedule.channel_id}>",
        title=escape(title),
        repeat=t(language, f"composer.repeat_{schedule.repeat}"),
        when=slack_date(schedule.next_run, language),
    )


ROUTES: tuple[Route, ...] = (
    Route(
        "broadcast",
        ack=_broadcast_ack,
        after_ack=_open_composer,
        lazy=_broadcast,
        coach_only=True,
        waits_for_language=True,
        once=True,
        lazy_renders_in_caller_language=True,
    ),
    Route("broadcasts", ack=_schedules, coach_only=True, waits_for_language=True, once=True),
    Route(
        "team",
        ack=_team_ack,
        lazy=_team_export,
        coach_only=True,
        waits_for_language=True,
        lazy_renders_in_caller_language=True,
    ),
)


# action id -> (recorded kind, reply the first time, reply when already answered)
