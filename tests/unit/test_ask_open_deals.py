"""`crmcoach ask --json` on the number of open deals: a pipeline with too many deals nobody believes gets
the lesson that closes the unreal ones, with a goal of fewer open deals from the asker's number; a question
that only quotes the count (a review that walks through every deal) keeps the lesson its words fit."""

from __future__ import annotations

import pytest

from bot.crm.base import ManagerStats
from tests.helpers import ask_json

ANNA = "anna.berger@example.com"  # the first demo manager
PRUNE = "pipeline-review-prune-to-real-deals"


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        (
            "our crm says 150 open deals for six reps and I'd bet most of them will never buy anything."
            " how do I get to a real number?",
            "en",
        ),
        ("too many opps in salesforce, half of them are just names from a trade show", "en"),
        (
            "Im CRM stehen 150 offene Deals bei sechs Leuten, und die Hälfte davon ist heiße Luft."
            " Wie komme ich auf eine ehrliche Zahl?",
            "de",
        ),
        ("viel zu viele offene verkaufschancen, an die meisten glaubt doch keiner", "de"),
    ],
)
def test_too_many_unreal_open_deals_get_a_goal_of_fewer_open_deals(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], *, question: str, locale: str
) -> None:
    result = ask_json(question, capsys, "--user", ANNA, "--locale", locale)

    assert result["kind"] == "coaching"
    assert result["lessons"][0]["id"] == PRUNE
    first = result["numbers"][0]
    assert (first["metric"], first["scope"], first["value"]) == ("open_deals", "team", anna_today.open_deals)
    assert result["goal"] == {
        "metric": "open_deals",
        "scope": "team",
        "from": anna_today.open_deals,
        "target": anna_today.open_deals - 5,
        "days": 7,
    }


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("our weekly review walks through all 90 open deals one by one and takes the whole morning", "en"),
        (
            "Unser Pipeline-Meeting geht jede Woche alle 90 offenen Deals durch"
            " und dauert den ganzen Vormittag",
            "de",
        ),
    ],
)
def test_a_review_that_walks_through_every_deal_keeps_the_review_lesson(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], *, question: str, locale: str
) -> None:
    result = ask_json(question, capsys, "--user", ANNA, "--locale", locale)

    # The count is quoted, but the question is about the review: closing deals is no answer to it.
    assert result["lessons"][0]["topic"] == "pipeline-review"
    assert result["lessons"][0]["id"] != PRUNE
    first = result["numbers"][0]
    assert (first["metric"], first["value"]) == ("open_deals", anna_today.open_deals)
    assert result["goal"] is None  # the review lesson's task moves another number: no goal on it
