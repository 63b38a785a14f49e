"""`/crmcoach ask` with an OpenAI-compatible server configured, through the real app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container, build_coach
from bot.demo.standins.slack import SlackStandIn
from tests.conftest import NOW, ServerFactory, make_settings, replace
from tests.fakes.openai_server import OpenAIStandIn
from tests.helpers import all_text, command, final_reply
from tests.oracle import expected_stats


@pytest.fixture
def openai() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn() as server:
        yield server


@pytest.fixture
def llm_url(container: Container, serve: ServerFactory, slack: SlackStandIn, openai: OpenAIStandIn) -> str:
    settings = make_settings(
        slack,
        container.settings.database.url,
        openai_base_url=openai.base_url,
        crmcoach_llm_timeout_seconds=1.0,
        crmcoach_llm_max_retries=0,
    )
    return serve(replace(container, settings=settings, answers=build_coach(settings)))


def test_the_llm_phrases_the_answer_from_the_askers_numbers(
    llm_url: str, slack: SlackStandIn, openai: OpenAIStandIn
) -> None:
    openai.answer_next("Start your next review from the CRM itself. [lesson:pipeline-review-type-it-live]")

    command(llm_url, slack, "U0JAMES", "ask how should I run my pipeline review?")

    text = all_text(final_reply(slack))
    assert "Start your next review from the CRM itself." in text
    assert "Lessons: pipeline-review-type-it-live" in text
    assert "Written by an AI assistant" in text
    prompt = openai.last_request().prompt_text
    assert "James" not in prompt and "james.miller@example.com" not in prompt  # names stay with us


def test_a_failing_llm_means_the_offline_answer_not_an_error(
    llm_url: str, slack: SlackStandIn, openai: OpenAIStandIn
) -> None:
    openai.fail_next(500)

    command(llm_url, slack, "U0JAMES", "ask how should I run my pipeline review?")

    text = all_text(final_reply(slack))
    assert "*Practice this week*" in text and "Lessons: pipeline-review-" in text
    assert "Answered from the CRM Coach lessons" in text


def test_the_prompt_says_the_kind_and_only_coaching_questions_reach_the_llm(
    llm_url: str, slack: SlackStandIn, openai: OpenAIStandIn
) -> None:
    openai.answer_next("Review the quiet deals first. [lesson:pipeline-review-stale-first]")
    command(llm_url, slack, "U0JAMES", "ask how should I run my pipeline review?")
    final_reply(slack)
    assert "Kind: coaching" in openai.last_request().prompt_text

    for text in ("ask how many deals are overdue?", "ask too many messages", "ask who won the game?"):
        command(llm_url, slack, "U0JAMES", text)

    replies = [all_text(call.params) for call in slack.wait_for("response_url", count=4, timeout=15)]
    assert any("close date in the past" in reply and "Lessons:" not in reply for reply in replies)
    assert any("/crmcoach pause until" in reply for reply in replies)
    assert len(openai.chat_requests()) == 1  # numbers, controls and small talk never reach the LLM


LESSON = "pipeline-review-type-it-live"
CONTROL = (
    "<!channel> <!here> <!everyone> <!subteam^S0SALES|@sales> <@U0ANNA> <#C0SALES|sales>"
    " <https://evil.example|click here>"
)


def test_control_sequences_the_llm_echoes_from_the_question_are_posted_as_text(
    llm_url: str, slack: SlackStandIn, openai: OpenAIStandIn
) -> None:
    # The model echoes the question's control sequences verbatim.
    openai.answer_next(f"You asked: {CONTROL}. Review stale deals first. [lesson:{LESSON}]")

    command(llm_url, slack, "U0JAMES", f"ask how should I run my pipeline review? {CONTROL}")

    posted = final_reply(slack)
    text = all_text(posted) + str(posted.get("text", ""))
    assert "Review stale deals first" in text and "Written by an AI assistant" in text
    for sequence in ("<!", "<@", "<#", "<http"):
        assert sequence not in text, text
    assert "&lt;!channel&gt;" in text and "&lt;https://evil.example|click here&gt;" in text


def test_a_tool_question_naming_a_metric_gets_its_number_without_the_llm(
    llm_url: str, slack: SlackStandIn, openai: OpenAIStandIn, container: Container
) -> None:
    james = expected_stats(container.engine, "M00002", NOW)

    command(
        llm_url, slack, "U0JAMES", "ask where in hubspot do I filter my team's deals without a next step?"
    )

    text = all_text(final_reply(slack))
    assert "not the clicks in HubSpot" in text
    assert f"*Your numbers*\n{james.no_next_step} of your {james.open_deals} open deals" in text
    assert openai.chat_requests() == []  # like numbers: the stats' sentence, never the LLM's
