"""Shared fixtures: databases (SQLite always, Postgres when configured), Slack stand-in, app server."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.coaching.coach import Coach
from bot.coaching.coach_cache import CoachCache, cache_key
from bot.coaching.kinds import MessageClassifier
from bot.coaching.shared import content_fingerprint, shared_coach
from bot.config import Settings
from bot.container import Container, build_container
from bot.crm.base import ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import seed_demo
from bot.delivery.enroll import EnrollReport, enroll_from_crm
from bot.demo.standins.local_server import start_local_server
from bot.demo.standins.slack import SlackStandIn
from bot.slack.app import build_app
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from bot.store.models import Base
from bot.web import build_wsgi

POSTGRES_URL = os.environ.get("CRMCOACH_TEST_POSTGRES_URL")
# The CLI's settings come from the environment: tests never write a coach into the user's cache folder
# (tests/unit/test_coach_cache.py turns it on, in a temporary folder).
os.environ["CRMCOACH_COACH_CACHE"] = "false"
SIGNING_SECRET = "test-signing-secret"
CHECK_EVERY_POST = "CRMCOACH_TEST_CHECK_EVERY_POST"  # set: tests marked posts_without_key are checked too
# A fixed "now" makes stale/overdue counts reproducible; seeding uses the same anchor.
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="set CRMCOACH_TEST_POSTGRES_URL to run on Postgres"
        ),
    ),
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "posts_without_key: the test posts to the Slack stand-in itself without an idempotency key "
        "(tests of the stand-in); the bot's own posts are checked everywhere else",
    )


def _idempotency_key(params: dict[str, Any]) -> str | None:
    metadata = params.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    key = payload.get("idempotency_key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) and key else None


@pytest.fixture(autouse=True)
def _every_post_carries_an_idempotency_key(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every chat.postMessage any Slack stand-in receives during a test must carry an idempotency key in
    its metadata: the outbox is the one road out (DESIGN.md), and Slack finds a message again by it."""
    exempt = request.node.get_closest_marker("posts_without_key") is not None
    if exempt and not os.environ.get(CHECK_EVERY_POST):
        yield
        return
    unkeyed: list[dict[str, Any]] = []
    lock = threading.Lock()
    handle_api = SlackStandIn.handle_api

    def checked(
        standin: SlackStandIn, method: str, params: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any]]:
        if method == "chat.postMessage" and _idempotency_key(params) is None:
            with lock:
                unkeyed.append(params)
        return handle_api(standin, method, params, auth)

    monkeypatch.setattr(SlackStandIn, "handle_api", checked)
    yield
    if unkeyed:
        texts = [str(params.get("text", ""))[:80] for params in unkeyed]
        pytest.fail(f"{len(unkeyed)} chat.postMessage call(s) without an idempotency key: {texts}")


@pytest.fixture(autouse=True)
def _logger_levels_restored() -> Iterator[None]:
    """In-process `crmcoach` commands set logger levels for the rest of their process (preview and demo
    quiet the "bot" logger): the next test in that pytest process must not inherit them, whatever the
    order (pytest -n runs the files in another order than one process)."""
    levels = {name: logger.level for name, logger in _loggers().items()}
    yield
    for name, logger in _loggers().items():
        level = levels.get(name, logging.NOTSET)  # a logger made during the test starts at NOTSET
        if logger.level != level:
            logger.setLevel(level)


def _loggers() -> dict[str, logging.Logger]:
    known = logging.Logger.manager.loggerDict.items()
    return {"": logging.getLogger(), **{n: x for n, x in known if isinstance(x, logging.Logger)}}


@pytest.fixture(scope="session")
def _sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@contextlib.contextmanager
def _throwaway_postgres_database() -> Iterator[Engine]:
    """A database of its own on the configured server, dropped afterwards."""
    assert POSTGRES_URL
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"crmcoach_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine]:
    """A throwaway database on the configured server, migrated once per test session."""
    with _throwaway_postgres_database() as engine:
        upgrade(engine)
        yield engine


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    engine: Engine = request.getfixturevalue(f"_{request.param}_engine")
    _empty(engine)
    yield engine
    _empty(engine)


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own on each backend, for a test that runs the migrations itself."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    with _throwaway_postgres_database() as engine:
        yield engine


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, as_of=NOW)
    return engine


@pytest.fixture
def anna(seeded: Engine) -> ManagerStats:
    """The first demo manager's numbers at NOW."""
    return DemoConnector(seeded).manager_stats("M00001", now=NOW)


@pytest.fixture
def anna_today(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ManagerStats:
    """Anna's numbers as the CLI sees them: the demo CRM seeded for today (the CLI reads the real clock)."""
    now = datetime.now(UTC)
    seed_demo(engine, as_of=now)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return DemoConnector(engine).manager_stats("M00001", now=now)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id="T0TEST", team_name="Test Org") as standin:
        standin.add_user(
            "U0ANNA", name="Anna Berger", email="anna.berger@example.com", tz="Europe/Vienna", locale="de-DE"
        )
        standin.add_user(
            "U0JAMES",
            name="James Miller",
            email="james.miller@example.com",
            tz="America/New_York",
            locale="en-US",
        )
        standin.add_user("U0PAT", name="Pat Newcomer", email="pat@example.org", locale="en-GB")
        standin.add_user("U0NOMAIL", name="No Mail", email=None)
        yield standin


def make_settings(slack: SlackStandIn, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "slack_bot_token": slack.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": None,
        "slack_api_url": slack.api_url,
        "crm_connector": "demo",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def coach() -> Coach:
    """The real lesson library, indexed once per process: the same Coach the in-process CLI calls use."""
    return shared_coach()


@pytest.fixture(scope="session")
def _stored_coach(coach: Coach, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's coach written once by the production cache, in this session's temporary folder (each
    pytest-xdist worker has its own: no two processes write one file)."""
    folder = tmp_path_factory.mktemp("cache") / "crmcoach"
    cache = CoachCache(folder)
    key = cache_key(content_fingerprint())
    cache.store(key, coach)
    assert cache.path(key).is_file(), "the session's coach could not be stored for child processes"
    return folder


@pytest.fixture
def children_load_the_coach(_stored_coach: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Child processes (`crmcoach serve`, its worker processes, `crmcoach worker`) load the session's coach
    the way production processes do (CRMCOACH_COACH_CACHE) instead of building it again: 8-10 CPU seconds
    each. The loaded coach is checked against its stored answer (coach_cache.py); a miss builds it."""
    monkeypatch.setenv("CRMCOACH_COACH_CACHE", "true")
    monkeypatch.setenv("CRMCOACH_CACHE_DIR", str(_stored_coach))
    return _stored_coach


@pytest.fixture(scope="session")
def classifier(coach: Coach) -> MessageClassifier:
    """The coach's message-kind classifier, as the Slack listeners and `crmcoach ask` use it."""
    return coach.classifier


@pytest.fixture
def container(seeded: Engine, slack: SlackStandIn, coach: Coach) -> Container:
    settings = make_settings(slack, seeded.url.render_as_string(hide_password=False))
    built = build_container(settings, engine=seeded, answers=coach)
    return Container(**{**_fields(built), "clock": lambda: NOW})


def _fields(container: Container) -> dict[str, Any]:
    return {name: getattr(container, name) for name in Container.__dataclass_fields__}


def reconfigured(
    container: Container, slack: SlackStandIn, *, now: datetime = NOW, **settings: Any
) -> Container:
    """The same database and lesson library under other settings (e.g. coaches), with a fixed clock."""
    changed = make_settings(slack, container.settings.database.url, **settings)
    built = build_container(changed, engine=container.engine, answers=container.answers)
    return Container(**{**_fields(built), "clock": lambda: now})


def with_coach(container: Container, slack: SlackStandIn, **settings: Any) -> Container:
    """Carla (U0COACH) is the coach, and #sales-leads (C0SALES) a channel the bot is in."""
    slack.add_user("U0COACH", name="Carla Coach", email="carla@example.com", locale="en-US")
    slack.add_channel("C0SALES", "sales-leads")
    return reconfigured(container, slack, crmcoach_coaches="U0COACH", **settings)


ServerFactory = Callable[[Container], str]


@pytest.fixture
def serve() -> Iterator[ServerFactory]:
    """Start the real WSGI app for a container under waitress on port 0; returns its base URL."""
    servers: list[Any] = []

    def start(container: Container) -> str:
        app = build_app(container.settings, container)
        base_url, server = start_local_server(
            build_wsgi(app, engine=container.engine, signing_secret=SIGNING_SECRET)
        )
        servers.append(server)
        return base_url

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def base_url(container: Container, serve: ServerFactory) -> str:
    return serve(container)


def enroll_everyone(container: Container, *, team_id: str, now: datetime) -> EnrollReport:
    """The enrollment run as the clock process runs it (Slack's 429s are waited out by the client)."""
    return enroll_from_crm(
        sessions=container.sessions,
        crm=container.crm,
        profiles=container.gateway,
        settings=container.settings,
        team_id=team_id,
        now=now,
    )


def replace(container: Container, **changes: Any) -> Container:
    return Container(**{**_fields(container), **changes})


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A `crmcoach` run in-process that sees none of this machine's Slack, database or LLM settings (nor a
    .env file in the working directory)."""
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "OPENAI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
