"""The modals: the settings (the same settings as `/crmcoach settings …`) and the broadcast composer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.coaching.preferences import Preferences
from bot.i18n import WEEKDAY_NAMES, Language, t, weekday_name
from bot.render import home_ids as ids

OPTION_TEXT_LIMIT = 75


def settings_modal(view: Preferences, now: datetime) -> View:
    language, names = view.language, WEEKDAY_NAMES[view.language]
    days = [Option(value=str(day), text=names[day]) for day in range(7)]
    languages = [
        Option(value="auto", text=t(language, "settings_modal.language_auto")),
        Option(value="en", text="English"),
        Option(value="de", text="Deutsch"),
    ]
    chosen_language = next(o for o in languages if o.value == (view.chosen_language or "auto"))
    paused_day = _paused_day(view, now)

    def field(
        block_id: str, label_key: str, element: Any, *, optional: bool = False, hint: str = ""
    ) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=t(language, label_key),
            element=element,
            optional=optional,
            hint=PlainTextObject(text=hint) if hint else None,
        )

    blocks = [
        field(
            ids.FIELD_NUDGE_DAY,
            "settings_modal.nudge_day",
            StaticSelectElement(action_id=ids.ELEMENT, options=days, initial_option=days[view.nudge_weekday]),
        ),
        field(
            ids.FIELD_NUDGE_TIME,
            "settings_modal.nudge_time",
            TimePickerElement(action_id=ids.ELEMENT, initial_time=f"{view.nudge_time:%H:%M}"),
        ),
        field(
            ids.FIELD_LESSON_DAYS,
            "settings_modal.lesson_days",
            CheckboxesElement(
                action_id=ids.ELEMENT,
                options=days,
                initial_options=[days[day] for day in view.lesson_weekdays] or None,
            ),
        ),
        field(
            ids.FIELD_LESSON_TIME,
            "settings_modal.lesson_time",
            TimePickerElement(action_id=ids.ELEMENT, initial_time=f"{view.lesson_time:%H:%M}"),
        ),
        field(
            ids.FIELD_QUIET_FROM,
            "settings_modal.quiet_from",
            TimePickerElement(
                action_id=ids.ELEMENT, initial_time=f"{view.quiet[0]:%H:%M}" if view.quiet else None
            ),
            optional=True,
            hint=t(language, "settings_modal.quiet_hint"),
        ),
        field(
            ids.FIELD_QUIET_TO,
            "settings_modal.quiet_to",
            TimePickerElement(
                action_id=ids.ELEMENT, initial_time=f"{view.quiet[1]:%H:%M}" if view.quiet else None
            ),
            optional=True,
        ),
        field(
            ids.FIELD_LANGUAGE,
            "settings_modal.language",
            StaticSelectElement(action_id=ids.ELEMENT, options=languages, initial_option=chosen_language),
        ),
        field(
            ids.FIELD_PAUSE_UNTIL,
            "settings_modal.pause_until",
            DatePickerElement(
                action_id=ids.ELEMENT, initial_date=paused_day.isoformat() if paused_day else None
            ),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.SETTINGS_CALLBACK,
        title=t(language, "settings_modal.title"),
        submit=t(language, "settings_modal.submit"),
        close=t(language, "settings_modal.close"),
        blocks=blocks,
    )


def composer_modal(language: Language) -> View:
    """The broadcast composer: channel, lesson (searched as the coach types) or own text, and when."""

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
            block_id="post_language",
            label=label("post_language"),
            optional=True,
            element=RadioButtonsElement(
                action_id="post_language",
                options=[Option(value=v, label=label(f"language_{v}")) for v in ("de", "en", "both")],
            ),
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
    return View(
        type="modal",
        callback_id=ids.COMPOSER_CALLBACK,
        title=label("title"),
        submit=label("submit"),
        close=label("close"),
        blocks=blocks,
        private_metadata=language,
    )


def lesson_option(text: str, value: str) -> dict[str, Any]:
    """One choice in the composer's lesson search (the answer to Slack's options request)."""
    return {"text": {"type": "plain_text", "text": text[:OPTION_TEXT_LIMIT]}, "value": value}


def _paused_day(view: Preferences, now: datetime) -> date | None:
    """The last paused day, as the manager said it (paused_until is the end of that day)."""
    if view.paused_until is None or view.paused_until <= now:
        return None
    return (view.paused_until.astimezone(ZoneInfo(view.tz)) - timedelta(minutes=1)).date()
