"""The broadcast composer modal: channel, lesson (searchable, both languages) or own text, and when."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.coaching.broadcast_schedule import ScheduleRequest, create_schedule, next_run
from bot.coaching.broadcasts import BroadcastProblem, exercise_from, post_broadcast
from bot.container import Container
from bot.delivery.schedule import local_to_utc
from bot.i18n import LANGUAGES, Language, language_for, t, weekday_name
from bot.slack import coach_blocks
from bot.slack.blocks import slack_date
from bot.slack.responder import notify_user
from bot.store.coach_models import ScheduledBroadcast

log = logging.getLogger(__name__)
CALLBACK_ID = "broadcast_composer"
EARLIEST_ZONE = ZoneInfo("Etc/GMT+12")  # UTC-12: the last place where a date is still today
MAX_OPTIONS = 100


@dataclass(frozen=True, slots=True)
class Composed:
    channel_id: str
    lesson_id: str | None
    lesson_language: Language | None
    text: str | None
    when: str  # now | once | weekly
    on_date: date | None
    at: time | None
    weekday: int | None


def open_composer(client: WebClient, *, trigger_id: str, language: Language) -> None:
    def label(key: str) -> str:
        return t(language, f"composer.{key}")

    blocks = [
        InputBlock(
            block_id="channel",
            label=label("channel"),
            element=ConversationSelectElement(
                action_id="channel",
                default_to_current_conversation=True,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id="lesson",
            label=label("lesson"),
            optional=True,
            element=ExternalDataSelectElement(
                action_id="lesson", min_query_length=0, placeholder=label("lesson_hint")
            ),
        ),
        InputBlock(
            block_id="text",
            label=label("text"),
            optional=True,
            element=PlainTextInputElement(action_id="text", multiline=True, max_length=2900),
        ),
        InputBlock(
            block_id="when",
            label=label("when"),
            element=RadioButtonsElement(
                action_id="when",
                initial_option=Option(value="now", label=label("now")),
                options=[Option(value=v, label=label(v)) for v in ("now", "once", "weekly")],
            ),
        ),
        InputBlock(
            block_id="date", label=label("date"), optional=True, element=DatePickerElement(action_id="date")
        ),
        InputBlock(
            block_id="time", label=label("time"), optional=True, element=TimePickerElement(action_id="time")
        ),
        InputBlock(
            block_id="weekday",
            label=label("weekday"),
            optional=True,
            element=StaticSelectElement(
                action_id="weekday",
                options=[Option(value=str(n), label=weekday_name(n, language)) for n in range(7)],
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=label("title"),
        submit=label("submit"),
        close=label("close"),
        blocks=blocks,
        private_metadata=language,
    )
    client.views_open(trigger_id=trigger_id, view=view)


def lesson_options(container: Container, query: str) -> list[dict[str, Any]]:
    """Lessons whose title, topic or id contains the query, in both languages."""
    wanted = query.strip().lower()
    options: list[dict[str, Any]] = []
    for language in LANGUAGES:
        for lesson in container.coach.library.in_language(language):
            topic = t(language, f"topics.{lesson.topic}").split(":")[0]
            if wanted and wanted not in f"{lesson.title} {topic} {lesson.id}".lower():
                continue
            text = f"{lesson.title} · {topic} ({language})"[:75]
            options.append({"text": {"type": "plain_text", "text": text}, "value": f"{language}:{lesson.id}"})
    return options[:MAX_OPTIONS]


def parse_submission(
    values: dict[str, Any], language: Language, now_local: datetime
) -> Composed | dict[str, str]:
    """The composer's state, or {block_id: error} for what the coach has to fix."""

    def picked(block: str, key: str) -> Any:
        return (values.get(block, {}).get(block) or {}).get(key)

    lesson_value = (picked("lesson", "selected_option") or {}).get("value")
    text = (picked("text", "value") or "").strip() or None
    when = (picked("when", "selected_option") or {}).get("value", "now")
    on_date = date.fromisoformat(picked("date", "selected_date")) if picked("date", "selected_date") else None
    at = time.fromisoformat(picked("time", "selected_time")) if picked("time", "selected_time") else None
    weekday_value = (picked("weekday", "selected_option") or {}).get("value")
    errors: dict[str, str] = {}
    if not lesson_value and not text:
        errors["text"] = t(language, "composer.need_content")
    if when in ("once", "weekly") and at is None:
        errors["time"] = t(language, "composer.need_time")
    if when == "once" and (
        on_date is None or (at and datetime.combine(on_date, at) <= now_local.replace(tzinfo=None))
    ):
        errors["date"] = t(language, "composer.need_future")
    if when == "weekly" and weekday_value is None:
        errors["weekday"] = t(language, "composer.need_weekday")
    if errors:
        return errors
    lesson_language, _, lesson_id = (lesson_value or "::").partition(":")
    return Composed(
        channel_id=str(picked("channel", "selected_conversation")),
        lesson_id=lesson_id or None,
        lesson_language=language_for(lesson_language, None) if lesson_id else None,
        text=text,
        when=when,
        on_date=on_date,
        at=at,
        weekday=int(weekday_value) if weekday_value is not None else None,
    )


def register(app: App, container: Container) -> None:
    @app.options("lesson")
    def on_lesson_search(ack: Ack, payload: dict[str, Any]) -> None:
        ack(options=lesson_options(container, str(payload.get("value", ""))))

    @app.view(CALLBACK_ID)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        team_id, coach_id = body["team"]["id"], body["user"]["id"]
        if not container.coaches.is_coach(team_id, coach_id):
            ack()
            return
        language = language_for(view.get("private_metadata"), None)
        # Validate with what we know locally (no Slack call before the ack); "in the future" is
        # checked against the earliest timezone on Earth, so no valid choice is refused.
        parsed = parse_submission(
            view["state"]["values"], language, container.clock().astimezone(EARLIEST_ZONE)
        )
        if isinstance(parsed, dict):
            ack(response_action="errors", errors=parsed)
            return
        ack()  # the modal closes; the outcome arrives as a DM
        tz = _coach_zone(client, coach_id)
        outcome = _carry_out(
            container, client, team_id=team_id, coach_id=coach_id, composed=parsed, language=language, tz=tz
        )
        notify_user(client, coach_id, outcome)


def post_now(
    container: Container,
    client: WebClient,
    *,
    team_id: str,
    coach_id: str,
    channel_id: str,
    content: str,
    lesson_language: Language,
    language: Language,
) -> str:
    """Post an exercise right away (slash command and composer); returns what to tell the coach."""
    try:
        exercise = exercise_from(content, container.coach.library, lesson_language)
        message = coach_blocks.broadcast_message(exercise, language=lesson_language, coach_id=coach_id)
        posted = post_broadcast(
            sessions=container.sessions,
            client=client,
            team_id=team_id,
            coach_id=coach_id,
            channel_id=channel_id,
            exercise=exercise,
            language=lesson_language,
            message=message,
            now=container.clock(),
        )
    except BroadcastProblem as problem:
        return t(language, problem.key, **problem.values)
    except SlackApiError as exc:
        log.error("broadcast by %s failed: %s", coach_id, exc.response.get("error"))
        return t(language, "errors.generic")
    return t(language, "broadcast.posted", channel=f"<#{posted.channel_id}>")


def _carry_out(
    container: Container,
    client: WebClient,
    *,
    team_id: str,
    coach_id: str,
    composed: Composed,
    language: Language,
    tz: ZoneInfo,
) -> str:
    lesson_language = composed.lesson_language or language
    content = composed.lesson_id or composed.text or ""
    if composed.when == "now":
        return post_now(
            container,
            client,
            team_id=team_id,
            coach_id=coach_id,
            channel_id=composed.channel_id,
            content=content,
            lesson_language=lesson_language,
            language=language,
        )
    try:
        exercise = exercise_from(content, container.coach.library, lesson_language)
    except BroadcastProblem as problem:
        return t(language, problem.key, **problem.values)
    assert composed.at is not None
    if (
        composed.when == "once"
        and composed.on_date
        and local_to_utc(composed.on_date, composed.at, tz) <= container.clock()
    ):
        return t(language, "composer.need_future")  # in the coach's own timezone, that moment has passed
    request = ScheduleRequest(
        team_id=team_id,
        coach_user_id=coach_id,
        channel_id=composed.channel_id,
        lesson_id=exercise.lesson_id,
        text=None if exercise.lesson_id else composed.text,
        language=lesson_language,
        tz=str(tz),
        repeat=composed.when,
        on_date=composed.on_date,
        weekday=composed.weekday,
        at=composed.at,
    )
    schedule_id = create_schedule(container.sessions, request)
    first = (
        local_to_utc(composed.on_date, composed.at, tz)
        if composed.on_date and composed.when == "once"
        else None
    )
    return t(
        language,
        "composer.scheduled",
        id=schedule_id,
        channel=f"<#{composed.channel_id}>",
        when=slack_date(first or _first_weekly(request, container), language),
    )


def _first_weekly(request: ScheduleRequest, container: Container) -> datetime:
    probe = ScheduledBroadcast(
        tz=request.tz, repeat="weekly", weekday=request.weekday, at=request.at.strftime("%H:%M"), on_date=None
    )
    return next_run(probe, container.clock()) or container.clock()


def _coach_zone(client: WebClient, coach_id: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(client.users_info(user=coach_id)["user"].get("tz") or "UTC"))
    except (SlackApiError, KeyError, ValueError):
        return ZoneInfo("UTC")
