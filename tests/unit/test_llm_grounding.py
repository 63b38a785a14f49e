"""The LLM says what the offline answer says: the prompt carries the asked metric's number and the
goal, the answer reports the same numbers and goal, and a reply that leaves them out gets them added."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.coaching.coach import Coach
from bot.coaching.lessons import LessonLibrary
from bot.coaching.numbers import goal_sentence
from bot.coaching.retrieval import LessonIndex
from bot.coaching.vocabulary import Vocabulary
from bot.i18n import Language
from bot.llm.writer import Pseudonyms, build_prompt, estimate_tokens
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
