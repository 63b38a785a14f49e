"""The LLM client wrapper against the local OpenAI-compatible stand-in: settings, shapes, errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import openai
import pytest

from bot.llm import ChatMessage, LLMClient, LLMError, LLMReply, build_llm_client
from bot.llm.client import KEYLESS_PLACEHOLDER
from tests.fakes.openai_server import OpenAIStandIn

HELLO = [ChatMessage("system", "You are terse."), ChatMessage("user", "Say hi.")]


@pytest.fixture
def server() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn(default_text="hi") as standin:
        yield standin


def client(server: OpenAIStandIn, *, api_key: str | None = None, base_url: str | None = None) -> LLMClient:
    return build_llm_client(
        api_key=api_key, base_url=base_url or server.base_url, timeout_seconds=0.5, max_retries=0
    )


def test_a_reply_in_openais_shape(server: OpenAIStandIn) -> None:
    reply = client(server).chat(HELLO, model="local-model", max_tokens=50)
    assert reply == LLMReply(text="hi", refused=False, finish_reason="stop")
    body = server.last_request().body
    assert body["model"] == "local-model"
    assert body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hi."},
    ]
    assert body["max_tokens"] == 50 and "max_completion_tokens" not in body  # what Ollama understands


def test_openai_itself_gets_max_completion_tokens(server: OpenAIStandIn) -> None:
    # The wrapper decides by host; here the flag is set as it would be for api.openai.com.
    direct = openai.OpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0, timeout=0.5)
    LLMClient(direct, legacy_max_tokens=False).chat(HELLO, model="gpt-4o-mini", max_tokens=50)
    body = server.last_request().body
    assert body["max_completion_tokens"] == 50 and "max_tokens" not in body


def test_the_environment_is_never_read_by_the_openai_package(
    server: OpenAIStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-the-environment")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-from-the-environment")
    client(server).chat(HELLO, model="m", max_tokens=5)
    headers = server.last_request().headers
    assert headers["authorization"] == f"Bearer {KEYLESS_PLACEHOLDER}"
    assert "openai-organization" not in headers and "openai-project" not in headers


def test_the_configured_key_is_sent_and_a_wrong_one_is_an_error(server: OpenAIStandIn) -> None:
    server.api_key = "sk-right"
    assert client(server, api_key="sk-right").chat(HELLO, model="m", max_tokens=5).text == "hi"
    with pytest.raises(LLMError, match=r"HTTP 401 \(invalid_api_key\)"):
        client(server, api_key="sk-wrong").chat(HELLO, model="m", max_tokens=5)


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (lambda s: s.fail_next(429, retry_after=1), r"HTTP 429 \(rate_limit_exceeded\)"),
        (lambda s: s.fail_next(500), r"HTTP 500 \(server_error\)"),
        (lambda s: s.slow_next(3), "timeout"),
        (lambda s: s.malformed_next(), "malformed response: no choices"),
        (lambda s: s.malformed_next(truncated_json=True), "malformed response: not JSON"),
    ],
    ids=["429", "500", "slow", "no choices", "broken JSON"],
)
def test_failures_become_llm_errors_with_a_short_reason(server: OpenAIStandIn, script, reason: str) -> None:
    script(server)
    with pytest.raises(LLMError, match=reason):
        client(server).chat(HELLO, model="m", max_tokens=5)


def test_an_unreachable_server_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = build_llm_client(
        api_key=None, base_url=f"http://127.0.0.1:{port}/v1", timeout_seconds=0.5, max_retries=0
    )
    with pytest.raises(LLMError, match="connection error"):
        unreachable.chat(HELLO, model="m", max_tokens=5)


def test_refusals_and_the_content_filter_are_reported_as_refused(server: OpenAIStandIn) -> None:
    server.refuse_next("I can't help with that.")
    server.content_filter_next()
    llm = client(server)
    assert llm.chat(HELLO, model="m", max_tokens=5) == LLMReply("", refused=True, finish_reason="stop")
    assert llm.chat(HELLO, model="m", max_tokens=5) == LLMReply("", True, "content_filter")
