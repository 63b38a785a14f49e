"""`crmcoach ask --json` on the deals the manager won or lost personally: the CRM knows each closed deal's
owner, so "my win rate" and "my own losses" quote the manager's own count, not the team's."""

from __future__ import annotations

import pytest

from bot.coaching.asked import read_all
from bot.crm.base import ManagerStats
from bot.formatting import format_int
from bot.i18n import Language
from tests.helpers import ask_anna


@pytest.mark.parametrize(
    ("question", "locale", "metric"),
    [
        ("how many deals did I win myself in the last 90 days?", "en", "own_won_90d"),
        ("my own closed lost count this quarter?", "en", "own_lost_90d"),
        ("wie viele Deals hab ich selbst in den letzten 90 Tagen gewonnen?", "de", "own_won_90d"),
        ("wie viele meiner eigenen Deals sind verloren gegangen?", "de", "own_lost_90d"),
    ],
)
def test_a_numbers_question_on_own_closed_deals_gets_the_own_counts(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], *, question: str, locale: str, metric: str
) -> None:
    result = ask_anna(question, capsys, locale)

    assert result["kind"] == "numbers"
    first = result["numbers"][0]
    value = anna_today.own_won_90d if metric == "own_won_90d" else anna_today.own_lost_90d
    assert (first["metric"], first["scope"], first["value"]) == (metric.removeprefix("own_"), "own", value)
    bullet = next(line for line in result["answer"].splitlines() if line.startswith("• "))
    own = (anna_today.own_won_90d, anna_today.own_lost_90d)
    assert all(format_int(count, locale) in bullet for count in own), bullet
    assert result["goal"] is None


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("i won 2 and lost 5 of my own tenders this year. what should i be doing differently?", "en"),
        ("Meine eigene Closed-Lost-Liste ist heuer ziemlich lang. Wie lerne ich daraus was?", "de"),
    ],
)
def test_coaching_on_own_losses_quotes_the_own_count_first(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], *, question: str, locale: str
) -> None:
    result = ask_anna(question, capsys, locale)

    assert result["kind"] == "coaching"
    first = result["numbers"][0]
    assert (first["metric"], first["scope"]) in {("won_90d", "own"), ("lost_90d", "own")}
    assert first["value"] == (
        anna_today.own_won_90d if first["metric"] == "won_90d" else anna_today.own_lost_90d
    )


def test_the_team_question_keeps_the_team_count(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str]
) -> None:
    result = ask_anna("how many deals did my team win in the last 90 days?", capsys, "en")

    first = result["numbers"][0]
    assert (first["metric"], first["scope"], first["value"]) == ("won_90d", "team", anna_today.won_90d)


def test_the_demo_managers_win_and_lose_deals_of_their_own(anna_today: ManagerStats) -> None:
    """Else the tests above could pass on zeros."""
    assert anna_today.own_won_90d != anna_today.own_lost_90d
    assert 0 < anna_today.own_won_90d + anna_today.own_lost_90d < anna_today.won_90d + anna_today.lost_90d


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "what's my win rate this quarter?", "own_won_90d"),
        ("en", "my close rate on service contracts is way below the rest of the team, why?", "own_won_90d"),
        ("en", "my hit rate vs the team average?", "own_won_90d"),
        ("de", "wie ist meine Gewinnquote?", "own_won_90d"),
        ("de", "Meine Abschlussquote liegt unter dem Teamschnitt, woran liegt das?", "own_won_90d"),
        ("de", "meine Verluste im letzten Quartal, was lerne ich daraus?", "own_lost_90d"),
        # the team's, or a rep's, stays the team's
        ("en", "what's my team's win rate?", "won_90d"),
        ("en", "how's the win rate of my reps compared to last year?", "won_90d"),
        ("en", "what is our win rate?", "won_90d"),
        ("de", "wie ist die Gewinnquote von meinem Team?", "won_90d"),
        ("de", "die Abschlussquote vom Jochen liegt unter dem Teamschnitt", "won_90d"),
    ],
)
def test_a_rate_of_ones_own_is_the_own_won_count(language: Language, question: str, metric: str) -> None:
    assert [reading.metric for reading in read_all(question, language)][:1] == [metric]
