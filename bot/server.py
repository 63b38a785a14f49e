"""`crmcoach serve`: Bolt over HTTP under waitress, or Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import gc
import logging
import signal
import threading
from datetime import UTC

import waitress
from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.cli_support import clock_jobs, served_teams
from bot.config import ConfigError, Settings
from bot.container import Container, build_container
from bot.delivery.clock import add_jobs
from bot.delivery.worker import run_worker
from bot.slack.app import build_app
from bot.slack.home import with_home_refresh
from bot.slack.lazy import WorkerProcesses
from bot.store.migrations import ensure_schema
from bot.web import build_wsgi

log = logging.getLogger(__name__)
HTTP_THREADS = 8


def _start_clock_and_worker(container: Container, *, team: str | None) -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, jobs=clock_jobs(container), team_ids=served_teams(container, team))
    scheduler.start()
    stop = threading.Event()
    threading.Thread(
        target=run_worker,
        kwargs={"delivery": with_home_refresh(container).delivery, "stop": stop},
        name="worker",
        daemon=True,
    ).start()


def serve(settings: Settings, *, with_clock_and_worker: bool = False, team: str | None = None) -> None:
    """`crmcoach serve`; with_clock_and_worker adds the planner and one worker (`crmcoach run`), planning
    for `team`, or for every workspace this install serves."""
    settings.slack.require()
    container = build_container(settings)
    ensure_schema(container.engine)
    if with_clock_and_worker:
        _start_clock_and_worker(container, team=team)
    later = WorkerProcesses(settings)  # CRM and LLM work stays out of the process that acks
    try:
        app = build_app(settings, container, later=later)
    except BoltError as exc:
        later.shutdown()
        raise ConfigError({"SLACK_BOT_TOKEN": f"Slack did not accept it ({exc})"}) from None
    except OSError as exc:  # Slack unreachable (network, DNS, a wrong URL): one line, not a traceback
        later.shutdown()
        reason = getattr(exc, "reason", exc)
        raise ConfigError(
            {"SLACK_API_URL": f"Slack is not reachable ({reason}); start again once it is"}
        ) from None
    # What start-up built (settings, lessons, search indexes, the app: some 200k objects) lives as long as
    # the process: kept out of the collector, a full collection no longer stops every ack for a moment.
    gc.freeze()
    # The platform stops a web process with SIGTERM: exit through `finally`, so the worker processes
    # finish the replies they are preparing and nothing is left behind.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        _serve_app(settings, container, app)
    finally:
        signal.signal(signal.SIGTERM, previous)
        later.shutdown()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _serve_app(settings: Settings, container: Container, app: App) -> None:
    if settings.slack.app_token is not None:
        log.info("starting in Socket Mode")
        handler = SocketModeHandler(app, app_token=settings.slack.app_token.get_secret_value())
        try:
            handler.start()  # type: ignore[no-untyped-call]
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error")
            raise ConfigError({"SLACK_APP_TOKEN": f"Slack did not accept it ({error})"}) from None
        return
    log.info("listening on http://0.0.0.0:%s (POST /slack/events, GET /healthz)", settings.server.port)
    waitress.serve(
        build_wsgi(app, engine=container.engine, signing_secret=settings.slack.request_signing_secret()),
        host="0.0.0.0",  # noqa: S104 - a web process serves on every interface of its container
        port=settings.server.port,
        threads=HTTP_THREADS,
    )
