"""Asked for the biggest deals with any request verb the kind rules accept ("fetch my 3 biggest deals",
„hol mir die 3 größten Deals“), the manager gets the ranking, in the chat answer and in
`crmcoach ask --json`; English and German."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.coaching.asked_biggest import read_biggest
from bot.coaching.coach import Coach
from bot.crm.base import ManagerStats
from bot.i18n import Language
from tests.helpers import chat_and_json

KINDS = Path(__file__).parents[2] / "prompts" / "kinds"
TITLE = {"en": "*Your 3 biggest open deals*", "de": "*Deine 3 größten offenen Deals*"}
ASKED = {"en": "{verb} my 3 biggest deals", "de": "{verb} mir die 3 größten Deals"}


def _commands(language: Language) -> list[str]:
    terms = tomllib.loads((KINDS / f"{language}.toml").read_text(encoding="utf-8"))
    commands: list[str] = terms["numbers"]["commands"]
    return commands


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_request_verb_of_the_kind_rules_asks_for_the_ranking(language: Language) -> None:
    for verb in _commands(language):
        question = ASKED[language].format(verb=verb.capitalize())
        assert read_biggest(question, language) is not None, question


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("fetch my 3 biggest deals", "en"),
        ("hol mir meine 3 größten Deals", "de"),
        ("bring me my 3 biggest deals", "en"),
    ],
)
def test_a_fetched_ranking_is_the_ranking_in_text_and_json(
    anna_today: ManagerStats,
    coach: Coach,
    capsys: pytest.CaptureFixture[str],
    question: str,
    language: Language,
) -> None:
    chat, result = chat_and_json(coach, anna_today, question, language, capsys)

    assert TITLE[language] in chat.text
    assert TITLE[language] in result["answer"]
    assert result["numbers"][0]["metric"] == "open_value"


@pytest.mark.parametrize(
    ("question", "language"),
    [("fetch the weather report", "en"), ("hol mir einen Kaffee", "de")],
)
def test_a_request_verb_without_the_biggest_deals_asks_for_no_ranking(
    question: str, language: Language
) -> None:
    assert read_biggest(question, language) is None
