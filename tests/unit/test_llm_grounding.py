"""The LLM says what the offline answer says: the prompt carries the asked metric's number and the
goal, the answer reports the same numbers and goal, and a reply that leaves them out gets them added."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from bot.coaching.coach import Coach, CoachAnswer
from bot.coaching.lessons import LessonLibrary
from bot.coaching.numbers import goal_sentence
from bot.coaching.retrieval import LessonIndex
from bot.coaching.vocabulary import Vocabulary
from bot.crm.base import CurrencyTotal
from bot.i18n import Language
from bot.llm.prompt import Pseudonyms, build_prompt, estimate_tokens
from tests.fakes.openai_server import OpenAIStandIn
from tests.unit.test_llm_writer import make_stats, writer_for

QUESTIONS: list[tuple[Language, str]] = [
    ("de", "Bei der Hälfte unserer Deals fehlt der nächste Schritt – was tun?"),
    ("en", "5 of my own deals are overdue, embarrassing before I tell the team to clean up theirs"),
]


@pytest.fixture(scope="module")
def library() -> LessonLibrary:
    return LessonLibrary.load()


@pytest.fixture
def server() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn() as standin:
        yield standin


@pytest.mark.parametrize(("language", "question"), QUESTIONS)
def test_the_llm_gets_and_reports_the_offline_answers_number_and_goal(
    server: OpenAIStandIn, coach: Coach, language: Language, question: str
) -> None:
    stats = make_stats()
    offline = coach.answer(question, language=language, stats=stats, offline=True)
    with_llm = coach.with_writer(writer_for(server))
    lead = offline.lessons[0].id
    server.answer_next(f"Work through them one by one in the CRM. [lesson:{lead}]")

    answer = with_llm.answer(question, language=language, stats=stats)

    assert answer.source == "llm"
    assert (answer.numbers, answer.goal) == (offline.numbers, offline.goal)
    assert offline.goal is not None
    goal = goal_sentence(offline.goal, language)
    prompt = server.last_request().prompt_text
    numbers_line = offline.text.split("\n\n")[2].split("\n", 1)[1]  # the sentences under "Your numbers"
    assert numbers_line.split(". ")[0] in prompt
    assert goal in prompt
    assert goal in answer.text  # the reply left the goal out: it is added, never lost


def test_a_reply_that_states_the_number_and_goal_is_left_as_it_is(
    server: OpenAIStandIn, coach: Coach
) -> None:
    stats = make_stats()
    question = "half of our deals have no next step"
    offline = coach.answer(question, language="en", stats=stats, offline=True)
    assert offline.goal is not None and offline.numbers[0].value == 9
    start, target = int(offline.goal.start), int(offline.goal.target)
    server.answer_next(
        f"9 of your 40 deals lack a next step. Get from {start} to {target} this week. "
        f"[lesson:{offline.lessons[0].id}]"
    )

    answer = coach.with_writer(writer_for(server)).answer(question, language="en", stats=stats)

    assert answer.source == "llm" and answer.goal == offline.goal
    assert goal_sentence(offline.goal, "en") not in answer.text
    assert answer.text.count("9 of your 40") == 1


@pytest.mark.parametrize("language", ["de", "en"])
def test_two_lessons_with_numbers_and_goal_fit_the_default_budget(
    library: LessonLibrary, language: Language
) -> None:
    stats = make_stats()
    index = LessonIndex(library.in_language(language), language, vocabulary=Vocabulary.load())
    for lesson in library.in_language(language):
        hits = index.search(lesson.title, k=3, stats=stats)
        built = build_prompt(
            question=lesson.title,
            language=language,
            stats=stats,
            hits=hits,
            names=Pseudonyms(stats, language, send_names=False),
            max_prompt_tokens=1500,
        )
        assert built is not None
        messages, sent = built
        assert len(sent) >= 2 and estimate_tokens(messages) <= 1500, lesson.id


# --- a pipeline value in several currencies ------------------------------------------------------
# Team: €1,250,000 in 36 deals, $78,000 in 3 USD deals, CHF 700 in 1 CHF deal. The manager's own 2 deals:
# $500 and CHF 700, none in euros.
IN_CURRENCIES = replace(
    make_stats(),
    own_open_deals=2,
    own_open_value=Decimal(0),
    other_open_values=(CurrencyTotal("CHF", Decimal(700), 1), CurrencyTotal("USD", Decimal(78_000), 3)),
    own_other_open_values=(CurrencyTotal("CHF", Decimal(700), 1), CurrencyTotal("USD", Decimal(500), 1)),
)
TEAM_SENTENCE = "Your open pipeline is worth €1,250,000 (+ $78,000 in 3 USD deals and CHF700 in 1 CHF deal)"
OWN_SENTENCE = "You own 2 open deals yourself, worth CHF700 in 1 CHF deal and $500 in 1 USD deal;"


def _value_answer(
    server: OpenAIStandIn, coach: Coach, question: str, reply: str, language: Language = "en"
) -> tuple[CoachAnswer, CoachAnswer]:
    offline = coach.answer(question, language=language, stats=IN_CURRENCIES, offline=True)
    server.answer_next(f"{reply} [lesson:{offline.lessons[0].id}]")
    answer = coach.with_writer(writer_for(server)).answer(question, language=language, stats=IN_CURRENCIES)
    assert answer.source == "llm"
    return offline, answer


def test_own_deals_all_in_other_currencies_stated_by_the_reply_get_no_sentence(
    server: OpenAIStandIn, coach: Coach
) -> None:
    offline, answer = _value_answer(
        server,
        coach,
        "what is the value of my own deals?",
        "Your own deals are worth $500 and CHF 700.",
    )

    assert offline.numbers[0].metric == "own_open_value"
    assert OWN_SENTENCE in offline.text  # what would be appended, had the reply left a figure out
    assert OWN_SENTENCE not in answer.text


def test_own_euro_deals_without_an_amount_need_no_zero_in_the_reply(
    server: OpenAIStandIn, coach: Coach
) -> None:
    """The manager's own deals: one euro deal without an amount ("€0") and $500 in dollars."""
    stats = replace(
        IN_CURRENCIES, own_other_open_values=(CurrencyTotal("USD", Decimal(500), 1),), own_open_deals=2
    )
    question = "what is the value of my own deals?"
    offline = coach.answer(question, language="en", stats=stats, offline=True)
    sentence = "You own 2 open deals yourself, worth €0 (+ $500 in 1 USD deal);"
    assert sentence in offline.text
    server.answer_next(
        f"Your own dollar deal is worth $500; price the other one. [lesson:{offline.lessons[0].id}]"
    )

    answer = coach.with_writer(writer_for(server)).answer(question, language="en", stats=stats)

    assert answer.source == "llm" and sentence not in answer.text


@pytest.mark.parametrize(
    "reply",
    [
        "Your pipeline is worth €1,250,000.",  # the other currencies dropped
        "Your pipeline is worth €1,328,700 in all.",  # added into one euro figure
        "Your pipeline is worth €1,250,000 and $78,000.",  # one other currency dropped
    ],
)
def test_a_reply_that_drops_or_merges_the_other_currencies_gets_the_value_sentence_once(
    server: OpenAIStandIn, coach: Coach, reply: str
) -> None:
    _, answer = _value_answer(server, coach, "what is our pipeline worth?", reply)

    assert answer.text.count(TEAM_SENTENCE) == 1


def test_a_reply_that_states_every_currency_is_left_as_it_is(server: OpenAIStandIn, coach: Coach) -> None:
    _, answer = _value_answer(
        server, coach, "what is our pipeline worth?", "€1,250,000 in euros, plus $78,000 and CHF 700 apart."
    )

    assert "Your open pipeline is worth" not in answer.text


def test_german_reply_without_the_other_currencies_gets_the_german_sentence(
    server: OpenAIStandIn, coach: Coach
) -> None:
    _, answer = _value_answer(
        server, coach, "Was ist unsere Pipeline wert?", "Eure Pipeline ist 1.250.000 € wert.", language="de"
    )

    assert (
        answer.text.count("1.250.000\xa0€ (+ 78.000\xa0$ in 3 USD-Deals und 700\xa0CHF in 1 CHF-Deal)") == 1
    )
