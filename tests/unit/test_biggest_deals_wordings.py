"""Asked for the biggest deals in the words managers use ("what are my three largest open opportunities",
„Welches sind aktuell meine drei dicksten Opportunities nach Betrag?“, typos, Swiss ss), the coach lists
the ranking, the manager's own or the team's, as many as asked; a message that only mentions big deals
("our biggest problem is stale deals", "how do I coach reps on their biggest deals?") gets no ranking.
Through the coach's answer to a chat message (its kind, then its answer) and `crmcoach ask --json`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.coaching.ask import Numbers, answer_by_kind
from bot.coaching.coach import Coach, CoachAnswer
from bot.crm.base import ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import seed_demo
from bot.i18n import Language
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from tests.conftest import NOW
from tests.helpers import ask_json

ANNA = "anna.berger@example.com"  # the first demo manager, M00001
TITLES = {
    ("en", True): "*Your {n} biggest open deals*",
    ("en", False): "*The {n} biggest open deals in your team*",
    ("de", True): "*Deine {n} größten offenen Deals*",
    ("de", False): "*Die {n} größten offenen Deals in deinem Team*",
}
ONE = {
    ("en", True): "*Your biggest open deal*",
    ("en", False): "*The biggest open deal in your team*",
    ("de", True): "*Dein größter offener Deal*",
    ("de", False): "*Der größte offene Deal in deinem Team*",
}
# Any ranking's title, whatever its count.
ANY_TITLE = re.compile(
    "|".join(re.escape(each).replace(re.escape("{n}"), r"\d+") for each in [*TITLES.values(), *ONE.values()])
)


@pytest.fixture(scope="module")
def stats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagerStats]:
    """Anna's numbers from the demo CRM at NOW, seeded once for the module."""
    engine = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('biggest')) / 'demo.db'}")
    upgrade(engine)
    seed_demo(engine, as_of=NOW)
    yield DemoConnector(engine).manager_stats("M00001", now=NOW)
    engine.dispose()


def chat_answer(coach: Coach, stats: ManagerStats, message: str, language: Language) -> CoachAnswer:
    """What the coach answers a chat message: its kind as the classifier reads it, then that kind's answer."""
    kind = coach.classifier.classify(message).kind
    return answer_by_kind(
        coach=coach,
        kind=kind,
        question=message,
        language=language,
        numbers=Numbers(stats=stats, linked=True),
        prompt=None,
        crm_name="Demo CRM",
        now=NOW,
        offline=True,
    )


def title(language: Language, *, own: bool, count: int) -> str:
    return (ONE if count == 1 else TITLES)[(language, own)].format(n=count)


def listed(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


@pytest.mark.parametrize(
    ("message", "language", "own", "count"),
    [
        # adjectives, counts written out and possessives between "biggest" and the deal word
        ("what are my three largest open opportunities", "en", True, 3),
        ("my three biggest currently open deals", "en", True, 3),
        ("What are the five largest current deals on my team?", "en", False, 5),
        ("Was sind die 5 größten offenen Deals im Team?", "de", False, 5),
        ("was sind meine 3 grössten aktuellen deals", "de", True, 3),
        ("die 10 größten laufenden Verkaufschancen im Team", "de", False, 10),
        # ranked or sorted by amount, value, size, volume
        ("top deals in my own book ranked by size", "en", True, 5),
        ("list my deals ranked by value", "en", True, 5),
        ("Welches sind aktuell meine drei dicksten Opportunities nach Betrag?", "de", True, 3),
        ("meine laufenden Deals nach Volumen sortiert", "de", True, 5),
        ("meine offenen Opportunities, absteigend nach Betrag", "de", True, 5),
        ("list the team's deals biggest first", "en", False, 5),
        ("welche Deals im Team sind am meisten wert?", "de", False, 5),
        ("5 largest opportunities i own", "en", True, 5),
        ("welche deals im team haben das höchste volumen?", "de", False, 5),
        ("which deals in my own pipeline are worth the most?", "en", True, 5),
        # top N, highest value, "of mine", „von mir“
        ("top 10 of my own opps by amount", "en", True, 10),
        ("team pipeline: top 5 by amount?", "en", False, 5),
        ("what are the 3 highest-value deals of mine?", "en", True, 3),
        ("die drei wertvollsten Deals von mir", "de", True, 3),
        ("Top 5 meiner eigenen Deals nach Wert", "de", True, 5),
        # whales, typos, Swiss ss
        ("who are my whales? biggest open deals please", "en", True, 5),
        ("meine dicksten Fische in der Pipeline", "de", True, 5),
        ("what r my 3 bigest deals", "en", True, 3),
        ("meine drei grösten deals", "de", True, 3),
        ("zeig mir die grössten deals im team", "de", False, 5),
        # after a greeting, politely
        ("Moin! Zeig mir bitte meine drei größten laufenden Deals nach Volumen", "de", True, 3),
        ("hey, quick one, can you give me my three largest open opportunities by amount", "en", True, 3),
        # one deal
        ("what's my single biggest open deal right now?", "en", True, 1),
        ("was ist mein größter offener Deal?", "de", True, 1),
    ],
)
def test_a_request_for_the_biggest_deals_in_any_wording_gets_the_ranking(
    coach: Coach, stats: ManagerStats, *, message: str, language: Language, own: bool, count: int
) -> None:
    answer = chat_answer(coach, stats, message, language)

    deals = stats.own_biggest_open_deals if own else stats.biggest_open_deals
    assert answer.lessons == ()
    assert title(language, own=own, count=count) in answer.text.splitlines()
    amounts = [line.split(" – ", 1)[0] for line in listed(answer.text)]
    assert len(amounts) == count == len(deals[:count])
    assert [fact.metric for fact in answer.numbers][:1] == ["own_open_value" if own else "open_value"]


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("our biggest problem is stale deals", "en"),
        ("the biggest deal we lost taught me to qualify earlier, how do I pass that on?", "en"),
        ("how do I coach reps on their biggest deals?", "en"),
        ("how should I handle the biggest deals in the forecast call?", "en"),
        ("what is the biggest mistake managers make with deals in pipeline reviews?", "en"),
        ("the largest share of our deals have no next step, what now?", "en"),
        ("top reasons deals get stuck in negotiation?", "en"),
        ("my largest opportunity this year, the one with the Hamburg utility, got a new CFO last week", "en"),
        ("größtenteils haben meine Deals keinen nächsten Schritt", "de"),
        ("wie coache ich mein Team bei den größten Deals?", "de"),
        ("should reps focus on their biggest deals or on volume?", "en"),
        ("Sollen die Reps sich auf die größten Deals konzentrieren?", "de"),
        ("Das größte Problem sind veraltete Deals im Team", "de"),
        ("Unsere größten Deals hängen alle im Einkauf fest", "de"),
        ("Mein größter Deal, der Rahmenvertrag mit den Stadtwerken, wackelt seit der Neue da ist", "de"),
        (
            "der größte Deal, den wir verloren haben, hat mir gezeigt, dass wir früher qualifizieren müssen",
            "de",
        ),
        ("warum rutschen die größten Deals immer ins nächste Quartal?", "de"),
    ],
)
def test_a_message_that_only_mentions_big_deals_gets_no_ranking(
    coach: Coach, stats: ManagerStats, *, message: str, language: Language
) -> None:
    answer = chat_answer(coach, stats, message, language)

    assert not any(ANY_TITLE.fullmatch(line) for line in answer.text.splitlines())
    assert not any(fact.metric.endswith("open_value") for fact in answer.numbers[:1])


@pytest.mark.parametrize(
    ("question", "locale", "own", "count"),
    [
        ("what are my three largest open opportunities", "en", True, 3),
        ("Was sind die 5 größten offenen Deals im Team?", "de", False, 5),
        ("Welches sind aktuell meine drei dicksten Opportunities nach Betrag?", "de", True, 3),
        ("top deals in my own book ranked by size", "en", True, 5),
        ("zeig mir die grössten deals im team", "de", False, 5),
    ],
)
def test_crmcoach_ask_lists_them_with_the_open_value_they_are_drawn_from(
    anna_today: ManagerStats,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    locale: Language,
    own: bool,
    count: int,
) -> None:
    result = ask_json(question, capsys, "--user", ANNA, "--locale", locale)

    value = anna_today.own_open_value if own else anna_today.open_value
    assert result["kind"] == "numbers" and result["lessons"] == []
    assert title(locale, own=own, count=count) in result["answer"].splitlines()
    assert len(listed(result["answer"])) == count
    first = result["numbers"][0]
    assert (first["metric"], first["scope"], first["value"]) == (
        "open_value",
        "own" if own else "team",
        int(value),
    )
