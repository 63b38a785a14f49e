"""Every message exists in English and German, with the same placeholders."""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal

import pytest

from bot.formatting import format_date, format_int, format_percent
from bot.i18n import (
    Language,
    catalog,
    command_words,
    language_for,
    language_name,
    weekday_name,
    weekdays_text,
)
from bot.timeparse import parse_weekday


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    english, german = catalog("en"), catalog("de")

    assert english.keys() == german.keys()
    for key in english:
        assert _placeholders(english[key]) == _placeholders(german[key]), key
        language_neutral = {
            "help.title",
            "stats.attention_item",
            "kinds.biggest_item_team",
            "kinds.biggest_item_own",
            "nudge.change_line",
            "nudge.delta_up",
            "nudge.delta_down",
            "team.unknown",
            "composer.channel",
            "pipeline_value.with_others",  # "€1,000 (+ $300 in 2 USD deals)": only the parts are words
        }
        is_command_word = key.startswith("commands.")  # `stats` is `stats` in German too
        assert english[key] != german[key] or key in language_neutral or is_command_word, (
            f"{key} untranslated"
        )


@pytest.mark.parametrize(
    ("preferred", "slack_locale", "expected"),
    [
        (None, "de-DE", "de"),
        (None, "de-AT", "de"),
        (None, "en-GB", "en"),
        (None, None, "en"),
        ("en", "de-DE", "en"),
        ("de", "fr-FR", "de"),
    ],
)
def test_language_follows_choice_then_slack_locale(
    preferred: str | None, slack_locale: str | None, expected: str
) -> None:
    assert language_for(preferred, slack_locale) == expected


def test_command_words_come_from_both_catalogues() -> None:
    assert command_words("help") == {"help", "?", "hilfe"}
    assert command_words("ask") == {"ask", "frage", "frag"}
    assert command_words("stats") == {"stats"}


def test_no_word_names_two_subcommands() -> None:
    names = [key.removeprefix("commands.") for key in catalog("en") if key.startswith("commands.")]
    subcommands = [name for name in names if name not in ("cancel", "export")]  # words after a subcommand
    seen: dict[str, str] = {}
    for name in subcommands:
        for word in command_words(name):
            assert seen.setdefault(word, name) == name, f"{word!r} names {seen[word]} and {name}"


EXPECTED_FORMATS = {
    "en": ("1,234,568", "31%", "Dec 24, 2026", "Tuesday and Thursday", "Monday, Wednesday, and Friday"),
    "de": ("1.234.568", "31\xa0%", "24.12.2026", "Dienstag und Donnerstag", "Montag, Mittwoch und Freitag"),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_numbers_dates_and_weekdays_follow_the_language(language: Language) -> None:
    number, percent, day, two_days, three_days = EXPECTED_FORMATS[language]
    assert format_int(Decimal("1234567.5"), language) == number
    assert format_percent(0.305, language) == percent
    assert format_date(date(2026, 12, 24), language) == day
    assert weekdays_text((1, 3), language) == two_days
    assert weekdays_text([0, 2, 4], language) == three_days


def test_weekday_and_language_names() -> None:
    assert (weekday_name(0, "en"), weekday_name(6, "de")) == ("Monday", "Sonntag")
    assert (language_name("en"), language_name("de")) == ("English", "Deutsch")


@pytest.mark.parametrize(
    ("typed", "day"), [("Mo", 0), ("tue", 1), ("Mittwoch", 2), ("do", 3), ("6", 6), ("SUN", 6)]
)
def test_weekdays_are_read_in_either_language(typed: str, day: int) -> None:
    assert parse_weekday(typed) == day
