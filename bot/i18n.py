"""User-facing text in English and German, read from prompts/messages/<lang>.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

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


def _flatten(tree: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value).strip("\n")
    return flat


WEEKDAY_NAMES: dict[Language, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
}


def weekdays_text(days: tuple[int, ...] | list[int], language: Language) -> str:
    """(1, 3) -> 'Tuesday and Thursday' / 'Dienstag und Donnerstag'."""
    names = [WEEKDAY_NAMES[language][day] for day in days]
    joiner = " und " if language == "de" else " and "
    return joiner.join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
