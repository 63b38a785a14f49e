"""A thin wrapper around the openai client: built once from plain values, one method, one error type.

Works with OpenAI and with OpenAI-compatible servers (Ollama, vLLM) through chat.completions, which they
implement far more often than the Responses API. Every failure becomes LLMError, whose message is a short
reason fit for a log line (never the prompt), so callers can fall back to the offline answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletionMessageParam

OPENAI_API_URL = "https://api.openai.com/v1"
# Local servers (Ollama, vLLM) ignore the key, but the openai client insists on one.
KEYLESS_PLACEHOLDER = "not-needed"

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class LLMReply:
    text: str  # "" when the model sent no content
    refused: bool  # message.refusal was set, or the content filter stopped the answer
    finish_reason: str | None  # "stop", "length", "content_filter", ... as the server reported it


class LLMError(Exception):
    """The LLM gave no usable reply: timeout, connection error, HTTP error or a malformed response."""


class LLMClient:
    def __init__(self, client: openai.OpenAI, *, legacy_max_tokens: bool) -> None:
        self._client = client
        # OpenAI's newer models only take max_completion_tokens; compatible servers (Ollama) only max_tokens.
        self._legacy_max_tokens = legacy_max_tokens

    def chat(self, messages: Sequence[ChatMessage], *, model: str, max_tokens: int) -> LLMReply:
        """One chat completion; raises LLMError for anything but a well-formed reply."""
        import openai  # noqa: PLC0415 - imported by the client's builder already, so this costs nothing

        params = [_param(message) for message in messages]
        try:
            raw = self._client.chat.completions.with_raw_response.create(
                model=model,
                messages=params,
                max_tokens=max_tokens if self._legacy_max_tokens else openai.omit,
                max_completion_tokens=openai.omit if self._legacy_max_tokens else max_tokens,
            )
            text = raw.text
        except openai.APITimeoutError as exc:
            raise LLMError("timeout") from exc
        except openai.APIConnectionError as exc:
            raise LLMError("connection error") from exc
        except openai.APIStatusError as exc:
            detail = exc.code or exc.type
            raise LLMError(f"HTTP {exc.status_code}" + (f" ({detail})" if detail else "")) from exc
        except openai.APIError as exc:
            raise LLMError(type(exc).__name__) from exc
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LLMError("malformed response: not JSON") from exc
        return _reply(body)

    def close(self) -> None:
        self._client.close()


def build_llm_client(
    *, api_key: str | None, base_url: str | None, timeout_seconds: float, max_retries: int
) -> LLMClient:
    """The LLM client for OpenAI (no base URL) or an OpenAI-compatible server (a key is optional there)."""
    # Imported here: the package takes a second to import, and most installs run without an LLM.
    import openai  # noqa: PLC0415

    key = api_key or KEYLESS_PLACEHOLDER
    base_url = base_url or OPENAI_API_URL
    # Everything passed explicitly: Settings is the only place the environment is read (None would make
    # the openai package fall back to OPENAI_API_KEY / OPENAI_BASE_URL on its own).
    client = openai.OpenAI(
        api_key=key,
        base_url=base_url,
        timeout=timeout_seconds,
        max_retries=max_retries,
    )
    # The package also reads OPENAI_ORG_ID / OPENAI_PROJECT_ID / OPENAI_ADMIN_KEY / OPENAI_WEBHOOK_SECRET
    # from the environment; we have no setting for them, so none of them may travel with our requests.
    client.organization = None
    client.project = None
    client.admin_api_key = None
    client.webhook_secret = None
    # At DEBUG the openai package logs each request's options, prompt included: prompts stay out of logs.
    logging.getLogger("openai").setLevel(logging.INFO)
    return LLMClient(client, legacy_max_tokens=urlsplit(base_url).hostname != "api.openai.com")


def _param(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "user":
        return {"role": "user", "content": message.content}
    return {"role": "assistant", "content": message.content}


def _reply(body: Any) -> LLMReply:
    """The first choice of a chat completion, checked field by field (compatible servers vary)."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise LLMError("malformed response: no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise LLMError("malformed response: no message")
    content, refusal = message.get("content"), message.get("refusal")
    finish_reason = choices[0].get("finish_reason")
    if not isinstance(content, str | None) or not isinstance(refusal, str | None):
        raise LLMError("malformed response: content or refusal is not text")
    if not isinstance(finish_reason, str | None):
        raise LLMError("malformed response: finish_reason is not text")
    return LLMReply(
        text=content or "",
        refused=bool(refusal) or finish_reason == "content_filter",
        finish_reason=finish_reason,
    )
