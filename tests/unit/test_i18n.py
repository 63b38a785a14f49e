"""Every message exists in English and German, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from bot.i18n import catalog, language_for


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
            "nudge.change_line",
            "nudge.delta_up",
            "nudge.delta_down",
            "team.unknown",
            "composer.channel",
        }
        assert english[key] != german[key] or key in language_neutral, f"{key} is not translated"


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
