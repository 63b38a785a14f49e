"""A local stand-in for an OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM).

POST /v1/chat/completions answers in the shape OpenAI documents: id, object "chat.completion", created,
model, choices[{index, message{role, content, refusal}, logprobs, finish_reason}], usage. Errors use
OpenAI's body {"error": {"message", "type", "param", "code"}}; a 429 carries Retry-After. Every request
body and its headers are recorded. Scripts (first in, first out) make the next requests slow, fail,
malformed, refused or content-filtered; otherwise the next scripted text, else `default_text`, is the answer.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any, Literal

CHAT_PATH = "/v1/chat/completions"
ScriptKind = Literal["answer", "error", "malformed", "truncated_json", "refusal", "content_filter", "length"]


@dataclass(slots=True)
class Received:
    """One request the stand-in received, recorded on arrival (status is None until it is answered)."""

    path: str
    body: Any  # the parsed JSON body, or the raw text when it was not JSON
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic() on arrival
    status: int | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or []) if isinstance(self.body, dict) else []

    @property
    def prompt_text(self) -> str:
        """Every message content, joined: what the model would read."""
        return "\n".join(str(message.get("content") or "") for message in self.messages)


@dataclass(slots=True)
class _Script:
    kind: ScriptKind
    remaining: int
    text: str = ""
    status: int = 200
    error_type: str = ""
    code: str | None = None
    retry_after: float | None = None
    delay_seconds: float = 0.0


@dataclass(slots=True)
class OpenAIStandIn:
    api_key: str | None = None  # None: any key is accepted, like a local Ollama
    default_text: str = "Keep your own deals current first. [lesson:role-model-go-first]"
    requests: list[Received] = field(default_factory=list)
    _scripts: list[_Script] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _ids: Any = field(default_factory=lambda: count(1))

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> OpenAIStandIn:
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="openai-standin",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases requests scripted to be slow
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> OpenAIStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL would be set to."""
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # --- scripting -------------------------------------------------------------------------
    def answer_next(self, text: str, *, times: int = 1, delay_seconds: float = 0.0) -> None:
        self._add(_Script("answer", times, text=text, delay_seconds=delay_seconds))

    def slow_next(self, seconds: float, *, times: int = 1) -> None:
        """Wait `seconds` before answering (longer than the client's timeout makes it give up)."""
        self._add(_Script("answer", times, text=self.default_text, delay_seconds=seconds))

    def fail_next(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        error_type: str | None = None,
        code: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer with an HTTP error in OpenAI's error shape; 429 defaults to rate_limit_exceeded."""
        default_type, default_code = _ERROR_DEFAULTS.get(status, ("invalid_request_error", None))
        self._add(
            _Script(
                "error",
                times,
                status=status,
                error_type=error_type or default_type,
                code=code or default_code,
                retry_after=retry_after,
            )
        )

    def malformed_next(self, *, times: int = 1, truncated_json: bool = False) -> None:
        """HTTP 200 with JSON that is not a chat completion (no choices), or with broken JSON."""
        self._add(_Script("truncated_json" if truncated_json else "malformed", times))

    def refuse_next(self, refusal: str = "I'm sorry, I can't help with that.", *, times: int = 1) -> None:
        self._add(_Script("refusal", times, text=refusal))

    def content_filter_next(self, *, times: int = 1) -> None:
        self._add(_Script("content_filter", times))

    def truncate_next(self, text: str, *, times: int = 1) -> None:
        """finish_reason "length": the answer hit max_tokens."""
        self._add(_Script("length", times, text=text))

    def chat_requests(self) -> list[Received]:
        with self._lock:
            return [request for request in self.requests if request.path == CHAT_PATH]

    def last_request(self) -> Received:
        chats = self.chat_requests()
        assert chats, "the stand-in received no chat completion request"
        return chats[-1]

    # --- request handling ------------------------------------------------------------------
    def _add(self, script: _Script) -> None:
        with self._lock:
            self._scripts.append(script)

    def _take(self) -> _Script | None:
        with self._lock:
            if not self._scripts:
                return None
            script = self._scripts[0]
            script.remaining -= 1
            if script.remaining <= 0:
                self._scripts.pop(0)
            return script

    def handle(self, path: str, raw: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        try:
            body: Any = json.loads(raw or "{}")
        except json.JSONDecodeError:
            body = raw
        received = Received(path, body, headers, time.monotonic())
        with self._lock:
            self.requests.append(received)
        status, extra, data = self._respond(path, body, headers)
        received.status = status
        return status, extra, data

    def _respond(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        rejected = self._rejection(path, body, headers)
        if rejected is not None:
            return rejected
        script = self._take() or _Script("answer", 1, text=self.default_text)
        if script.delay_seconds:
            self._stopping.wait(script.delay_seconds)
        if script.kind == "error":
            extra = {"Retry-After": _number(script.retry_after)} if script.retry_after is not None else {}
            message = _ERROR_MESSAGES.get(script.status, "Error.")
            status, _, data = _error(script.status, message, script.error_type, script.code)
            return status, extra, data
        if script.kind == "truncated_json":
            return 200, {}, b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"ind'
        if script.kind == "malformed":
            return 200, {}, json.dumps({"id": "chatcmpl-odd", "object": "chat.completion"}).encode()
        return 200, {}, json.dumps(self._completion(body, script)).encode()

    def _rejection(
        self, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes] | None:
        """What OpenAI answers to a wrong URL, key or body; None for a valid request."""
        if path != CHAT_PATH:
            return _error(404, f"Unknown request URL: POST {path}.", "invalid_request_error", "unknown_url")
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        if not isinstance(body, dict) or not body.get("model") or not isinstance(body.get("messages"), list):
            return _error(400, "'model' and 'messages' are required.", "invalid_request_error", None)
        return None

    def _completion(self, request: dict[str, Any], script: _Script) -> dict[str, Any]:
        content: str | None = script.text
        refusal: str | None = None
        finish_reason = "stop"
        if script.kind == "refusal":
            content, refusal = None, script.text
        elif script.kind == "content_filter":
            content, finish_reason = None, "content_filter"
        elif script.kind == "length":
            finish_reason = "length"
        prompt_tokens = sum(len(str(m.get("content") or "")) // 4 for m in request["messages"])
        completion_tokens = len(content or refusal or "") // 4
        return {
            "id": f"chatcmpl-standin{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": refusal},
                    "logprobs": None,
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_standin",
        }


_ERROR_DEFAULTS: dict[int, tuple[str, str | None]] = {
    401: ("invalid_request_error", "invalid_api_key"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}
_ERROR_MESSAGES = {
    401: "Incorrect API key provided.",
    429: "Rate limit reached for requests. Please try again later.",
    500: "The server had an error while processing your request. Sorry about that!",
    503: "The engine is currently overloaded, please try again later.",
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _error(status: int, message: str, error_type: str, code: str | None) -> tuple[int, dict[str, str], bytes]:
    body = {"error": {"message": message, "type": error_type, "param": None, "code": code}}
    return status, {}, json.dumps(body).encode()


def _handler_for(standin: OpenAIStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the openai client expects

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, extra, data = standin.handle(self.path.split("?")[0], raw, headers)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout) before a slow answer was ready

    return Handler
