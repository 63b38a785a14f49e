"""A ranking of the biggest deals asked with a stage ("top 5 deals in negotiation", "biggest deals by
stage", „die größten Deals in der Angebotsphase“) is the ranking of all open deals, so it says in one line
that it is not filtered by stage (the ranking keeps no stage per deal); English and German, in the chat
answer and in `crmcoach ask --json`."""

from __future__ import annotations

import pytest

from bot.coaching.coach import Coach
from bot.crm.base import ManagerStats
from bot.i18n import Language
from tests.helpers import chat_and_json, chat_answer

NOTE = {"en": "Not filtered by stage:", "de": "Nicht nach Phase gefiltert:"}
TITLE = {"en": "biggest open deal", "de": "größten offenen Deals"}


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("top 5 deals in negotiation", "en"),
        ("biggest deals by stage", "en"),
        ("my 3 biggest deals in the proposal stage", "en"),
        ("die größten Deals in der Angebotsphase", "de"),
        ("die 5 größten Deals pro Phase", "de"),
        ("meine 3 größten Deals in Negotiation", "de"),
    ],
)
def test_a_ranking_asked_with_a_stage_says_it_is_not_filtered_by_stage(
    anna_today: ManagerStats,
    coach: Coach,
    capsys: pytest.CaptureFixture[str],
    question: str,
    language: Language,
) -> None:
    chat, result = chat_and_json(coach, anna_today, question, language, capsys)

    for text in (chat.text, result["answer"]):
        assert TITLE[language] in text
        assert text.count(NOTE[language]) == 1


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("top 5 deals in my team", "en"),
        ("my 3 biggest deals that had no stage change in 30 days", "en"),
        ("die 5 größten Deals im Team", "de"),
    ],
)
def test_a_ranking_without_a_stage_has_no_stage_note(
    anna_today: ManagerStats, coach: Coach, question: str, language: Language
) -> None:
    text = chat_answer(coach, anna_today, question, language).text

    assert TITLE[language] in text
    assert NOTE[language] not in text
