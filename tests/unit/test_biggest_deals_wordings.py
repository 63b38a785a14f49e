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

from bot.coaching.coach import Coach
from bot.crm.base import ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import seed_demo
from bot.i18n import Language
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from tests.conftest import NOW
from tests.helpers import ANNA, ask_json, chat_answer

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
        # one deal by the deal word's number: Swiss ss, opportunity, „Verkaufschance“
        ("was ist mein grösster Deal?", "de", True, 1),
        ("what's my largest opportunity?", "en", True, 1),
        ("welches ist meine größte Verkaufschance?", "de", True, 1),
        ("which is the largest opp in the team?", "en", False, 1),
        ("die größten Aufträge im Team", "de", False, 5),
        # the deals named and nothing else, or a request after a thank-you
        ("Ok cool. Now the 3 biggest deals", "en", False, 3),
        ("super, danke! und jetzt die drei größten Deals", "de", False, 3),
        ("biggest deals please, I need them for the board meeting tomorrow", "en", False, 5),
        # whose deals: the ranking's own sentence says it, not a later one
        ("what are the biggest deals? I have a forecast call at 3", "en", False, 5),
        ("Was sind die größten Deals? Ich habe gleich das Forecast-Meeting", "de", False, 5),
        ("in my own pipeline, what are the biggest deals?", "en", True, 5),
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
        # something told about a big deal, then a question for advice
        ("Unser größter Deal hat keinen nächsten Schritt, was nun?", "de"),
        ("Unser größter Deal wackelt, was kann ich tun?", "de"),
        ("Bei unserem größten Deal fehlt der Entscheider – was jetzt?", "de"),
        ("Der Kunde unseres größten Deals will plötzlich einen Rabatt, was sagst du?", "de"),
        ("In meinem größten Deal ist der Champion weg, Ideen?", "de"),
        ("Die zwei größten Deals sind ins Q1 gerutscht, was sage ich meinem Chef?", "de"),
        ("Der größte Deal im Team hängt seit 3 Monaten in der Verhandlung, was frage ich den Rep?", "de"),
        ("my biggest opportunity has gone quiet, any ideas?", "en"),
        ("our biggest deal has no next step, what now?", "en"),
        ("The customer of our biggest deal wants a discount, what do you say?", "en"),
        ("biggest deal: customer wants 20% off. advice?", "en"),
        # a statement about a big deal, a thank-you, a tip
        ("Our biggest deal closes next week", "en"),
        ("Unser größter Deal schließt nächste Woche ab", "de"),
        ("my biggest deal is with Siemens", "en"),
        ("Danke, die Liste der größten Deals war hilfreich", "de"),
        ("what is the largest number of deals a rep can handle?", "en"),
    ],
)
def test_a_message_that_only_mentions_big_deals_gets_no_ranking(
    coach: Coach, stats: ManagerStats, *, message: str, language: Language
) -> None:
    answer = chat_answer(coach, stats, message, language)

    assert not any(ANY_TITLE.fullmatch(line) for line in answer.text.splitlines())
    assert not any(fact.metric.endswith("open_value") for fact in answer.numbers[:1])


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("Unser größter Deal hat keinen nächsten Schritt, was nun?", "de"),
        ("Unser größter Deal wackelt, was kann ich tun?", "de"),
        ("Bei unserem größten Deal fehlt der Entscheider – was jetzt?", "de"),
        ("In meinem größten Deal ist der Champion weg, Ideen?", "de"),
        ("Die zwei größten Deals sind ins Q1 gerutscht, was sage ich meinem Chef?", "de"),
        ("my biggest opportunity has gone quiet, any ideas?", "en"),
        ("our biggest deal has no next step, what now?", "en"),
        ("the biggest deal in the team has no champion, what now?", "en"),
    ],
)
def test_something_told_about_a_big_deal_and_a_question_for_advice_gets_a_lesson(
    coach: Coach, stats: ManagerStats, *, message: str, language: Language
) -> None:
    answer = chat_answer(coach, stats, message, language)

    assert answer.lessons
    assert not any(ANY_TITLE.fullmatch(line) for line in answer.text.splitlines())


@pytest.mark.parametrize(
    ("question", "locale", "own", "count"),
    [
        ("what are my three largest open opportunities", "en", True, 3),
        ("Was sind die 5 größten offenen Deals im Team?", "de", False, 5),
        ("Welches sind aktuell meine drei dicksten Opportunities nach Betrag?", "de", True, 3),
        ("top deals in my own book ranked by size", "en", True, 5),
        ("zeig mir die grössten deals im team", "de", False, 5),
        ("was ist mein grösster Deal?", "de", True, 1),
        ("what's my largest opportunity?", "en", True, 1),
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


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("Unser größter Deal wackelt, was kann ich tun?", "de"),
        ("our biggest deal has no next step, what now?", "en"),
        ("Our biggest deal closes next week", "en"),
    ],
)
def test_crmcoach_ask_gives_no_ranking_for_a_message_about_a_big_deal(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], *, question: str, locale: Language
) -> None:
    result = ask_json(question, capsys, "--user", ANNA, "--locale", locale)

    assert not any(ANY_TITLE.fullmatch(line) for line in result["answer"].splitlines())
    assert all(not number["metric"].endswith("open_value") for number in result["numbers"])
