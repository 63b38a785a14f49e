"""The broadcast composer modal: channel, lesson (searchable, both languages) or own text, and when."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.broadcast_schedule import ScheduleRequest, create_schedule, first_run
from bot.coaching.broadcasts import BroadcastProblem, exercise_in, languages_for, stored_languages
from bot.coaching.calendar import local_to_utc
from bot.container import Container
from bot.delivery import outbound
from bot.delivery.slack_errors import slack_error
from bot.i18n import LANGUAGES, Language, language_for, t
from bot.render import home_ids
from bot.render.kit import slack_date
from bot.render.modals import composer_modal, lesson_option
from bot.slack.caller import caller_of

log = logging.getLogger(__name__)
T = TypeVar("T")
EARLIEST_ZONE = ZoneInfo("Etc/GMT+12")  # UTC-12: the last place where a date is still today
MAX_OPTIONS = 100


@dataclass(frozen=True, slots=True)
class Composed:
    channel_id: str
    lesson_id: str | None
    lesson_language: Language | None
    post_language: str | None  # de | en | both, picked in the modal (None: the lesson's or the coach's)
    text: str | None
    when: str  # now | once | weekly
    on_date: date | None
    at: time | None
    weekday: int | None


def open_composer(client: WebClient, *, trigger_id: str, language: Language) -> None:
    client.views_open(trigger_id=trigger_id, view=composer_modal(language))


def lesson_options(container: Container, query: str) -> list[dict[str, Any]]:
    """Lessons whose title, topic or id contains the query, in both languages."""
    wanted = query.strip().lower()
    options: list[dict[str, Any]] = []
    for language in LANGUAGES:
        for lesson in container.answers.library.in_language(language):
            topic = t(language, f"topics.{lesson.topic}").split(":")[0]
            if wanted and wanted not in f"{lesson.title} {topic} {lesson.id}".lower():
                continue
            options.append(lesson_option(f"{lesson.title} · {topic} ({language})", f"{language}:{lesson.id}"))
    return options[:MAX_OPTIONS]


def parse_submission(
    values: dict[str, Any], language: Language, now_local: datetime
) -> Composed | dict[str, str]:
    """The composer's state, or {block_id: error} for what the coach has to fix."""

    def picked(block: str, key: str) -> Any:
        state = values.get(block)
        element = state.get(block) if isinstance(state, dict) else None
        return element.get(key) if isinstance(element, dict) else None

    def option(block: str) -> str | None:
        selected = picked(block, "selected_option")
        value = selected.get("value") if isinstance(selected, dict) else None
        return value if isinstance(value, str) and value else None

    errors: dict[str, str] = {}
    lesson_value = option("lesson")
    raw_text = picked("text", "value")
    text = (raw_text if isinstance(raw_text, str) else "").strip() or None
    when = option("when") or "now"
    on_date = _parsed(date.fromisoformat, picked("date", "selected_date"), "date", language, errors)
    at = _parsed(time.fromisoformat, picked("time", "selected_time"), "time", language, errors)
    weekday = _parsed(_weekday, option("weekday"), "weekday", language, errors)
    channel = picked("channel", "selected_conversation")
    post_language = option("post_language")
    if not isinstance(channel, str) or not channel:
        errors["channel"] = t(language, "composer.need_channel")
    lesson_language, _, lesson_id = (lesson_value or "").partition(":")
    if lesson_value and (lesson_language not in LANGUAGES or not lesson_id):
        errors["lesson"] = t(language, "composer.need_content")
    if not lesson_value and not text:
        errors["text"] = t(language, "composer.need_content")
    if when not in ("now", "once", "weekly"):
        errors["when"] = t(language, "composer.need_time")
    if post_language not in (None, "de", "en", "both"):
        errors["post_language"] = t(language, "composer.need_language")
    if when in ("once", "weekly") and at is None:
        errors.setdefault("time", t(language, "composer.need_time"))
    if when == "once" and (
        on_date is None or (at and datetime.combine(on_date, at) <= now_local.replace(tzinfo=None))
    ):
        errors.setdefault("date", t(language, "composer.need_future"))
    if when == "weekly" and weekday is None:
        errors.setdefault("weekday", t(language, "composer.need_weekday"))
    if errors:
        return errors
    return Composed(
        channel_id=str(channel),
        lesson_id=lesson_id or None,
        lesson_language=language_for(lesson_language, None) if lesson_id else None,
        post_language=post_language,
        text=text,
        when=when,
        on_date=on_date,
        at=at,
        weekday=weekday,
    )


def _parsed(
    parse: Callable[[str], T], value: Any, block: str, language: Language, errors: dict[str, str]
) -> T | None:
    """A picked value, parsed; what does not parse (Slack never sends it) is a field error."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse(value)
    except ValueError:
        errors[block] = t(language, f"composer.invalid_{block}")
        return None


def _weekday(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 6:
        raise ValueError(value)
    return number


def register(app: App, container: Container) -> None:
    @app.options("lesson")
    def on_lesson_search(ack: Ack, payload: dict[str, Any]) -> None:
        ack(options=lesson_options(container, str(payload.get("value", ""))))

    @app.view(home_ids.COMPOSER_CALLBACK)
    def on_submit(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        caller = caller_of(context)
        team_id, coach_id = caller.team_id, caller.user_id
        if not caller.is_coach:
            ack()
            return
        language = language_for(_text(view.get("private_metadata")), None)
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        # Validate with what we know locally (no Slack call before the ack); "in the future" is
        # checked against the earliest timezone on Earth, so no valid choice is refused.
        parsed = parse_submission(
            values if isinstance(values, dict) else {}, language, container.clock().astimezone(EARLIEST_ZONE)
        )
        if isinstance(parsed, dict):
            ack(response_action="errors", errors=parsed)
            return
        ack()  # the modal closes; the outcome arrives as a DM
        tz = _coach_zone(client, coach_id)
        outcome = _carry_out(
            container, team_id=team_id, coach_id=coach_id, composed=parsed, language=language, tz=tz
        )
        outbound.notify(delivery=container.delivery, team_id=team_id, user_id=coach_id, text=outcome)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def post_now(
    container: Container,
    *,
    team_id: str,
    coach_id: str,
    channel_id: str,
    content: str,
    languages: tuple[Language, ...],
    language: Language,
) -> str:
    """Post an exercise right away in `languages` (slash command and composer); returns what to tell
    the coach, in `language`."""
    try:
        exercise = exercise_in(content, container.answers.library, languages)
    except BroadcastProblem as problem:
        return t(language, problem.key, **problem.values)
    outcome = outbound.broadcast_now(
        delivery=container.delivery,
        team_id=team_id,
        coach_id=coach_id,
        channel_id=channel_id,
        exercise=exercise,
        language=languages[0],
    )
    if outcome.status in ("sent", "recovered", "taken"):
        return t(language, "broadcast.posted", channel=f"<#{channel_id}>")
    if outcome.error == "ratelimited":
        wait = (outcome.retry_at - container.clock()).total_seconds() if outcome.retry_at else 60
        minutes = retry_minutes(str(max(1, round(wait))))
        log.warning("broadcast by %s still rate-limited after retries (%s min)", coach_id, minutes)
        return t(language, "broadcast.rate_limited", minutes=minutes)
    if (key := slack_error(outcome.error).coach_key) is not None:
        return t(language, key, channel=f"<#{channel_id}>")
    log.error("broadcast by %s failed: %s", coach_id, outcome.detail)
    return t(language, "errors.generic")


def retry_minutes(retry_after: Any) -> int:
    """Slack's Retry-After (seconds) in whole minutes, at least one."""
    text = retry_after[0] if isinstance(retry_after, list) and retry_after else retry_after
    seconds = int(text) if isinstance(text, str) and text.isdigit() else 60
    return max(1, -(-seconds // 60))


def _carry_out(
    container: Container,
    *,
    team_id: str,
    coach_id: str,
    composed: Composed,
    language: Language,
    tz: ZoneInfo,
) -> str:
    languages = languages_for(composed.post_language or composed.lesson_language, coach_language=language)
    content = composed.lesson_id or composed.text or ""
    if composed.when == "now":
        return post_now(
            container,
            team_id=team_id,
            coach_id=coach_id,
            channel_id=composed.channel_id,
            content=content,
            languages=languages,
            language=language,
        )
    try:
        exercise = exercise_in(content, container.answers.library, languages)  # every language exists
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
        language=stored_languages(languages),
        tz=str(tz),
        repeat=composed.when,
        on_date=composed.on_date,
        weekday=composed.weekday,
        at=composed.at,
    )
    now = container.clock()
    schedule_id = create_schedule(container.sessions, request, now=now)
    return t(
        language,
        "composer.scheduled",
        id=schedule_id,
        channel=f"<#{composed.channel_id}>",
        when=slack_date(first_run(request, now) or now, language),
    )


def _coach_zone(client: WebClient, coach_id: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(client.users_info(user=coach_id)["user"].get("tz") or "UTC"))
    except (SlackApiError, KeyError, ValueError):
        return ZoneInfo("UTC")
