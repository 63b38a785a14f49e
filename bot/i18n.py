"""User-facing text in English and German, read from prompts/messages/<lang>.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import get_day_names
from babel.lists import format_list

from bot.paths import PROMPTS_DIR

Language = Literal["en", "de"]
LANGUAGES: tuple[Language, ...] = ("en", "de")
MESSAGES_DIR = PROMPTS_DIR / "messages"


def language_for(preferred: str | None, slack_locale: str | None) -> Language:
    """The manager's own choice wins; otherwise German for a de-* Slack locale, else English."""
    for candidate in (preferred, slack_locale):
        if candidate:
            return "de" if candidate.lower().startswith("de") else "en"
    return "en"


@cache
def catalog(language: Language, directory: Path = MESSAGES_DIR) -> dict[str, str]:
    with (directory / f"{language}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def t(language: Language, key: str, **values: object) -> str:
    """The message `key` in `language`, with {placeholders} filled from `values`."""
    return catalog(language)[key].format(**values)


def tn(language: Language, key: str, n: float, **values: object) -> str:
    """Like t(), in the singular (`key.one`) or plural (`key.other`) form for `count`; a message without
    the two forms is used as it is. `{count}` is `n` unless `values` gives it (e.g. formatted)."""
    messages = catalog(language)
    form = f"{key}.one" if n == 1 else f"{key}.other"
    template = messages.get(form, messages.get(key))
    if template is None:
        raise KeyError(key)
    return template.format(**{"count": _number(n), **values})


def _number(count: float) -> str:
    return str(int(count)) if float(count).is_integer() else str(count)


@cache
def command_words(name: str) -> frozenset[str]:
    """Every word (any language) that names the subcommand `name`: `commands.<name>` in the catalogues."""
    return frozenset(
        word.lower() for language in LANGUAGES for word in t(language, f"commands.{name}").split()
    )


def _flatten(tree: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value).strip("\n")
    return flat


@cache
def babel_locale(language: Language) -> Locale:
    """The CLDR locale behind a language: number, date, weekday and list formats come from it."""
    return Locale.parse(language)


def language_name(language: Language) -> str:
    """'English' / 'Deutsch': each language in its own words."""
    return babel_locale(language).get_display_name(language) or language


def _weekday_names(language: Language) -> tuple[str, ...]:
    names = get_day_names("wide", locale=babel_locale(language))  # 0 = Monday, like date.weekday()
    return tuple(str(names[day]) for day in range(7))


WEEKDAY_NAMES: dict[Language, tuple[str, ...]] = {
    language: _weekday_names(language) for language in LANGUAGES
}


def weekday_name(day: int, language: Language) -> str:
    """0 -> 'Monday' / 'Montag'."""
    return WEEKDAY_NAMES[language][day]


def weekdays_text(days: tuple[int, ...] | list[int], language: Language) -> str:
    """(1, 3) -> 'Tuesday and Thursday' / 'Dienstag und Donnerstag'."""
    return format_list([weekday_name(day, language) for day in days], locale=babel_locale(language))
