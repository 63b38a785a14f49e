"""LLMAnswerWriter against a local OpenAI-compatible stand-in: answers, fallbacks, privacy, injection
resistance, the token budget and German."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.coaching.coach import Coach
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.retrieval import Hit
from bot.crm.base import AttentionDeal, ManagerStats, Owner
from bot.i18n import Language
from bot.llm import LLMAnswerWriter, LLMClient, build_llm_client
from bot.llm.client import ChatMessage
from bot.llm.prompt import CANARY, Pseudonyms, build_prompt, estimate_tokens, templates
from bot.llm.writer import to_mrkdwn
from tests.fakes.openai_server import OpenAIStandIn, Received

TIMEOUT = 0.5
MODEL = "coach-test-model"


def lesson(lesson_id: str, *, language: Language = "en", body: str | None = None, title: str = "") -> Lesson:
    return Lesson(
        id=lesson_id,
        language=language,
        topic="role-model",
        level=1,
        title=title or f"Lesson {lesson_id}",
        minutes=10,
        practice=f"Practice for {lesson_id}: give your three biggest deals a next step.",
        reflection=f"Reflection for {lesson_id}: would you be happy if your team copied you?",
        body=body or f"Body of {lesson_id}. Keep your own deals current first {{not a placeholder}} $5.",
        metric="own_deals_without_next_step",
        goal=None,
        triggers=(),
        path=Path(f"{language}/{lesson_id}.md"),
    )


LESSONS = [lesson("go-first"), lesson("next-steps-daily"), lesson("pipeline-review-agenda")]


def hits(lessons: list[Lesson] = LESSONS) -> list[Hit]:
    return [Hit(item, 3.0 - index, False) for index, item in enumerate(lessons)]


def make_stats(
    *, name: str = "Anna Berger", email: str = "anna.berger@example.com", open_deals: int = 40
) -> ManagerStats:
    return ManagerStats(
        owner=Owner("o-anna", email, name),
        team_size=3,
        open_deals=open_deals,
        open_value=Decimal("1250000"),
        currency="EUR",
        stale_deals=12,
        deals_without_next_step=9,
        overdue_close_dates=5,
        activities_7d_manager=2,
        activities_7d_team=31,
        won_90d=6,
        lost_90d=4,
        own_open_deals=8,
        own_open_value=Decimal("300000"),
        own_stale_deals=2,
        own_deals_without_next_step=3,
        own_overdue_close_dates=1,
        own_won_90d=1,
        own_lost_90d=2,
        stale_days=14,
        fetched_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        source="Demo CRM",
        attention=(
            AttentionDeal(
                "d1", "Globex Renewal 2027", "Marco Rossi", Decimal("90000"), ("stale",), owner_id="R1"
            ),
            AttentionDeal(
                "d2",
                "Initech Expansion",
                "Lena Vogt",
                Decimal("45000"),
                ("no_next_step", "overdue"),
                owner_id="R2",
            ),
            AttentionDeal(
                "d3", "Umbrella Pilot", name, Decimal("12000"), ("no_next_step",), owner_id="o-anna"
            ),
        ),
    )


@pytest.fixture
def server() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn(default_text="Keep your own deals current first. [lesson:go-first]") as standin:
        yield standin


def client_for(server: OpenAIStandIn, *, retries: int = 0) -> LLMClient:
    return build_llm_client(
        api_key=None, base_url=server.base_url, timeout_seconds=TIMEOUT, max_retries=retries
    )


def writer_for(server: OpenAIStandIn, *, retries: int = 0, **options: object) -> LLMAnswerWriter:
    return LLMAnswerWriter(client_for(server, retries=retries), model=MODEL, **options)


def ask(writer: LLMAnswerWriter, question: str = "How do I get my team to use the CRM?", **kw: object):
    values: dict[str, object] = {"language": "en", "stats": make_stats(), "hits": hits()} | kw
    return writer.write(question=question, **values)


# --- normal answers ------------------------------------------------------------------------------


def test_an_answer_citing_a_lesson_is_used_with_markers_replaced_by_the_lessons_line(
    server: OpenAIStandIn,
) -> None:
    server.answer_next(
        "**Go first**: keep your own deals current [lesson:go-first]. Then review weekly "
        "[lesson:pipeline-review-agenda].\n- Update Deal A today."
    )
    answer = ask(writer_for(server))
    assert answer is not None
    assert answer.source == "llm"
    assert [x.id for x in answer.lessons] == ["go-first", "pipeline-review-agenda"]  # best first
    assert "[lesson:" not in answer.text
    assert answer.text.startswith("*Go first*: keep your own deals current. Then review weekly.")
    assert "• Update Globex Renewal 2027 today." in answer.text  # labels map back for the asker
    assert answer.text.endswith("\n\n_Lessons: go-first, pipeline-review-agenda_")
    request = server.last_request()
    assert request.body["model"] == MODEL
    assert request.body["max_tokens"] > 0
    assert [m["role"] for m in request.messages] == ["system", "user"]


def test_citations_in_one_marker_are_read_and_ids_we_did_not_send_are_ignored(server: OpenAIStandIn) -> None:
    server.answer_next("Do both. [lesson: next-steps-daily, made-up-lesson] [lesson:GO-FIRST]")
    answer = ask(writer_for(server))
    assert answer is not None
    assert [x.id for x in answer.lessons] == ["go-first", "next-steps-daily"]


@pytest.mark.parametrize(
    "text",
    ["Just keep your CRM tidy.", "See [lesson:made-up-lesson] for more.", "   "],
    ids=["no citation", "unknown id only", "blank"],
)
def test_an_answer_without_a_valid_citation_is_not_used(server: OpenAIStandIn, text: str) -> None:
    server.answer_next(text)
    assert ask(writer_for(server)) is None


def test_model_markdown_becomes_slack_mrkdwn_with_its_text_as_written() -> None:
    """Slack's escaping is the answer message's (see test_llm_safety), so the CLI shows "&" as "&"."""
    assert to_mrkdwn("## Plan\n* one & two\n- __<three>__") == "*Plan*\n• one & two\n• *<three>*"


# --- failures fall back --------------------------------------------------------------------------


@pytest.mark.parametrize("retries", [0, 1])
def test_a_slow_server_falls_back_within_about_the_timeout(server: OpenAIStandIn, retries: int) -> None:
    server.slow_next(5, times=2)
    started = time.monotonic()
    assert ask(writer_for(server, retries=retries)) is None
    elapsed = time.monotonic() - started
    # Each attempt is cut at the timeout instead of waiting out the server's 5 s (the slack is for a
    # busy CI machine; waiting even once would overshoot it).
    assert elapsed < (retries + 1) * TIMEOUT + 2.5 < 5
    assert len(server.chat_requests()) == retries + 1


@pytest.mark.parametrize(
    "script",
    [
        lambda s: s.fail_next(429, retry_after=1),
        lambda s: s.fail_next(500),
        lambda s: s.fail_next(401),
        lambda s: s.malformed_next(),
        lambda s: s.malformed_next(truncated_json=True),
        lambda s: s.refuse_next(),
        lambda s: s.content_filter_next(),
        lambda s: s.truncate_next("Keep your deals current [lesson:go-first] and then"),
    ],
    ids=["429", "500", "401", "no choices", "broken JSON", "refusal", "content filter", "cut off"],
)
def test_errors_refusals_and_odd_answers_fall_back(server: OpenAIStandIn, script, caplog) -> None:
    script(server)
    question = "What should I do about my pipeline review?"
    with caplog.at_level(logging.INFO, logger="bot.llm"):
        assert ask(writer_for(server), question) is None
    assert "answering offline" in caplog.text
    assert question not in caplog.text and "Globex" not in caplog.text  # why, but never the prompt


def test_a_rate_limit_is_retried_after_the_servers_retry_after(server: OpenAIStandIn) -> None:
    server.fail_next(429, retry_after=0.2)
    answer = ask(writer_for(server, retries=1))
    assert answer is not None and answer.source == "llm"
    first, second = server.chat_requests()
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.2


# --- token budget --------------------------------------------------------------------------------

LONG_BODY = " ".join(["Pipeline reviews work when everyone updates their opportunities beforehand."] * 12)
LONG = [lesson(f"long-{n}", body=LONG_BODY, title="A long lesson about pipeline reviews") for n in range(6)]


def received_tokens(request: Received) -> int:
    return estimate_tokens([ChatMessage(m["role"], m["content"]) for m in request.messages])


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("budget", [1500, 1200, 1000])
def test_the_request_stays_within_the_token_budget(
    server: OpenAIStandIn, budget: int, language: Language
) -> None:
    library = [replace(x, language=language) for x in LONG]
    server.default_text = "Prepare first [lesson:long-0]"
    answer = writer_for(server, max_prompt_tokens=budget).write(
        question="How do I run a good pipeline review?",
        language=language,
        stats=make_stats(),
        hits=hits(library),
    )
    assert answer is not None
    request = server.last_request()
    assert received_tokens(request) <= budget
    sent_ids = [x.id for x in LONG if f"[lesson:{x.id}]" in request.prompt_text]
    assert sent_ids == [x.id for x in LONG[: len(sent_ids)]]  # lessons are dropped from the end
    assert 1 <= len(sent_ids) < len(LONG)


def test_a_tight_budget_shortens_the_best_lessons_body_and_an_impossible_one_skips_the_llm(
    server: OpenAIStandIn,
) -> None:
    stats = make_stats()
    names = Pseudonyms(stats, "en", send_names=False)
    built = build_prompt(
        question="How?", language="en", stats=stats, hits=hits(LONG), names=names, max_prompt_tokens=1000
    )
    assert built is not None
    messages, lessons = built
    assert [x.id for x in lessons] == ["long-0"]
    assert " …" in messages[1].content and estimate_tokens(messages) <= 1000
    assert 1000 - estimate_tokens(messages) < 30  # as much of the body as fits
    impossible = writer_for(server, max_prompt_tokens=300)
    assert impossible.write(question="How?", language="en", stats=stats, hits=hits(LONG)) is None
    assert server.chat_requests() == []


# --- language ------------------------------------------------------------------------------------


def test_german_questions_use_the_german_prompt_and_labels(server: OpenAIStandIn) -> None:
    de = [lesson("vorbild-sein", language="de", title="Geh mit gutem Beispiel voran")]
    server.answer_next("Fang bei dir an und sprich mit Mitarbeiter:in 1 [lesson:vorbild-sein].")
    answer = ask(writer_for(server), "Wie bringe ich mein Team ins CRM?", language="de", hits=hits(de))
    assert answer is not None
    system, user = (m["content"] for m in server.last_request().messages)
    assert system == templates("de").system.substitute(canary=CANARY)
    assert "Auf Deutsch, per Du" in system and "Die eigenen Zahlen" in user
    assert "Mitarbeiter:in 1" in user and "Übung:" in user
    assert "sprich mit Marco Rossi." in answer.text
    assert answer.text.endswith("_Lektionen: vorbild-sein_")


# --- through the Coach ---------------------------------------------------------------------------


def test_the_coach_answers_with_the_llm_and_falls_back_offline(server: OpenAIStandIn) -> None:
    library = LessonLibrary((*LESSONS, lesson("vorbild-sein", language="de")))
    coach = Coach(library=library, writer=writer_for(server))
    server.default_text = "Lead by example [lesson:go-first]."
    good = coach.answer("How do I keep my own deals current?", language="en", stats=make_stats())
    assert good.source == "llm" and "Lead by example" in good.text
    server.fail_next(500)
    failed = coach.answer("How do I keep my own deals current?", language="en", stats=make_stats())
    assert failed.source == "offline"
    server.answer_next("No citation here.")
    uncited = coach.answer("How do I keep my own deals current?", language="en", stats=make_stats())
    assert uncited.source == "offline"
