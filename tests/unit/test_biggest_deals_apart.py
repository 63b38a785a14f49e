"""A problem figure asked in its own clause next to the ranking ("my 3 biggest deals and how many are
stale?") gets the ranking and its own count, in the text and in `crmcoach ask --json` (the ranking's open
value first, as the README says); a problem named in the ranking's clause ("my 3 biggest deals without a
next step") still picks the deals that have it. English and German."""

from __future__ import annotations

import pytest

from bot.coaching.coach import Coach
from bot.crm.base import ManagerStats
from bot.i18n import Language
from tests.helpers import ask_json
from tests.unit.test_biggest_deals_wordings import chat_answer

ANNA = "anna.berger@example.com"
TITLE = {"en": "*Your 3 biggest open deals*", "de": "*Deine 3 größten offenen Deals*"}
NO_FILTER = {"en": "doesn't say which of them", "de": "welche davon"}


@pytest.mark.parametrize(
    ("question", "language", "stale"),
    [
        ("my 3 biggest deals and how many are stale?", "en", "{n} of your own {of} open deals"),
        (
            "meine 3 größten Deals und wie viele sind eingeschlafen?",
            "de",
            "{n} deiner eigenen {of} offenen Deals",
        ),
    ],
)
def test_a_problem_asked_apart_gets_the_ranking_and_its_count(
    anna_today: ManagerStats,
    coach: Coach,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    language: Language,
    stale: str,
) -> None:
    chat = chat_answer(coach, anna_today, question, language)
    result = ask_json(question, capsys, "--user", ANNA, "--locale", language)
    count = stale.format(n=anna_today.own_stale_deals, of=anna_today.own_open_deals)

    for text in (chat.text, result["answer"]):
        assert TITLE[language] in text
        assert count in text
        assert NO_FILTER[language] not in text
    metrics = [(fact["metric"], fact["value"]) for fact in result["numbers"]]
    assert metrics[0][0] == "open_value"
    assert ("stale_deals", anna_today.own_stale_deals) in metrics


def test_a_problem_named_in_the_rankings_clause_still_filters(anna_today: ManagerStats, coach: Coach) -> None:
    text = chat_answer(coach, anna_today, "my 3 biggest deals without a next step", "en").text

    assert TITLE["en"] not in text
