"""The HTTP surface: POST /slack/events (Bolt) and GET /healthz, served by waitress."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt import App, BoltResponse
from sqlalchemy import Engine

from bot.slack.inbound import MAX_BODY_BYTES, Refused, check
from bot.store.db import database_answers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Content Too Large"}


def build_wsgi(app: App, *, engine: Engine, signing_secret: str | None) -> WSGIApplication:
    """`signing_secret` None: requests are not signed (Socket Mode); otherwise each must be."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            healthy = database_answers(engine)
            body = json.dumps({"status": "ok" if healthy else "unavailable", "database": healthy}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path != EVENTS_PATH or method != "POST":
            return _respond(start_response, BoltResponse(status=404, body="Not Found"))
        return _respond(start_response, _slack_request(app, environ, signing_secret))

    return wsgi


def _slack_request(app: App, environ: WSGIEnvironment, signing_secret: str | None) -> BoltResponse:
    length = str(environ.get("CONTENT_LENGTH") or "0")
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        return BoltResponse(status=413 if length.isdigit() else 400, body="")
    raw = environ["wsgi.input"].read(int(length))
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    headers["content-type"] = str(environ.get("CONTENT_TYPE") or "")
    try:
        request = check(raw, headers, signing_secret=signing_secret).to_bolt(
            str(environ.get("QUERY_STRING") or "")
        )
    except Refused as refused:
        log.warning("refused a request to %s (%s): %s", EVENTS_PATH, refused.status, refused.reason)
        return BoltResponse(status=refused.status, body="")
    return app.dispatch(request)


def _respond(start_response: StartResponse, response: BoltResponse) -> Iterable[bytes]:
    body = response.body.encode() if isinstance(response.body, str) else bytes(response.body)
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(f"{response.status} {REASONS.get(response.status, 'Status')}", headers)
    return [body]
