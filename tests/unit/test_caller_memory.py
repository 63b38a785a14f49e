"""The middlewares' memory: a caller's language read once, a change through this process counting at once,
one from another process within REMEMBER_SECONDS."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, update
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.identity import stored_language
from bot.i18n import Language
from bot.slack.caller import caller_language
from bot.slack.caller_memory import REMEMBER_SECONDS, CallerMemory
from bot.store.db import make_session_factory
from bot.store.models import Manager, Workspace
from tests.conftest import NOW

TEAM = "T0MEMORY"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """stored_language over the database, counting how often the database was asked."""

    def __init__(self, sessions: sessionmaker[Session], user_id: str) -> None:
        self.sessions, self.user_id, self.count = sessions, user_id, 0

    def __call__(self) -> Language | None:
        self.count += 1
        return stored_language(self.sessions, team_id=TEAM, slack_user_id=self.user_id)


def _manager(engine: Engine, user_id: str, language: str | None) -> None:
    with Session(engine) as session:
        if session.get(Workspace, TEAM) is None:
            session.add(Workspace(team_id=TEAM))
            session.commit()
        session.add(
            Manager(
                team_id=TEAM, slack_user_id=user_id, preferred_language=language, profile_refreshed_at=NOW
            )
        )
        session.commit()


def _set_language(sessions: sessionmaker[Session], user_id: str, language: str) -> None:
    with sessions() as session:
        manager = session.query(Manager).filter_by(team_id=TEAM, slack_user_id=user_id).one()
        manager.preferred_language = language
        session.commit()


def test_a_language_is_read_once_and_a_change_elsewhere_counts_after_the_memory_lapses(
    engine: Engine,
) -> None:
    _manager(engine, "U0ANNA", "de")
    sessions, clock = make_session_factory(engine), Clock()
    memory = CallerMemory(sessions, clock=clock)
    reads = Reads(sessions, "U0ANNA")

    assert [memory.language(TEAM, "U0ANNA", reads) for _ in range(3)] == ["de", "de", "de"]
    assert reads.count == 1
    _set_language(make_session_factory(engine), "U0ANNA", "en")  # another process: the CLI, a worker
    clock.now += REMEMBER_SECONDS - 1
    assert memory.language(TEAM, "U0ANNA", reads) == "de"
    clock.now += 2
    assert memory.language(TEAM, "U0ANNA", reads) == "en"


def test_a_change_through_this_process_counts_at_once_and_only_for_that_person(engine: Engine) -> None:
    _manager(engine, "U0ANNA", "de")
    _manager(engine, "U0JAMES", "en")
    sessions = make_session_factory(engine)
    memory = CallerMemory(sessions, clock=Clock())
    anna, james = Reads(sessions, "U0ANNA"), Reads(sessions, "U0JAMES")
    memory.language(TEAM, "U0ANNA", anna)
    memory.language(TEAM, "U0JAMES", james)

    _set_language(sessions, "U0ANNA", "en")

    assert memory.language(TEAM, "U0ANNA", anna) == "en"
    assert memory.language(TEAM, "U0JAMES", james) == "en"
    assert (anna.count, james.count) == (2, 1)


def test_a_statement_on_many_rows_forgets_everyone(engine: Engine) -> None:
    _manager(engine, "U0ANNA", "de")
    sessions = make_session_factory(engine)
    memory = CallerMemory(sessions, clock=Clock())
    reads = Reads(sessions, "U0ANNA")
    memory.language(TEAM, "U0ANNA", reads)

    with sessions() as session:  # deleting a person's data: their language is no longer known
        session.execute(delete(Manager.__table__).where(Manager.__table__.c.slack_user_id == "U0ANNA"))
        session.commit()

    assert memory.language(TEAM, "U0ANNA", reads) is None


def test_a_read_that_overlaps_a_change_is_used_once_but_not_remembered(engine: Engine) -> None:
    _manager(engine, "U0ANNA", "de")
    sessions = make_session_factory(engine)
    memory = CallerMemory(sessions, clock=Clock())
    reads = Reads(sessions, "U0ANNA")

    def read_then_change() -> Language | None:
        language = reads()  # the old value: the change below commits after this read
        with sessions() as session:
            session.execute(
                update(Manager).where(Manager.slack_user_id == "U0ANNA").values(preferred_language="en")
            )
            session.commit()
        return language

    assert memory.language(TEAM, "U0ANNA", read_then_change) == "de"
    assert memory.language(TEAM, "U0ANNA", reads) == "en"


def test_a_stranger_is_looked_up_again_until_their_language_is_known(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    memory = CallerMemory(sessions, clock=Clock())
    reads = Reads(sessions, "U0PAT")

    assert memory.language(TEAM, "U0PAT", reads) is None
    _manager(engine, "U0PAT", "de")  # their first reply read the profile (in a worker process)
    assert memory.language(TEAM, "U0PAT", reads) == "de"
    assert reads.count == 2


def test_a_workspace_is_checked_once_until_its_row_is_written(engine: Engine) -> None:
    _manager(engine, "U0ANNA", None)
    sessions = make_session_factory(engine)
    memory = CallerMemory(sessions, clock=Clock())
    checks: list[str] = []

    memory.ensure_installed(TEAM, lambda: checks.append(TEAM))
    memory.ensure_installed(TEAM, lambda: checks.append(TEAM))
    with sessions() as session:  # app_uninstalled, recorded by this process
        workspace = session.get(Workspace, TEAM)
        assert workspace is not None
        workspace.uninstalled_at = NOW
        session.commit()
    memory.ensure_installed(TEAM, lambda: checks.append(TEAM))

    assert checks == [TEAM, TEAM]


def test_a_database_error_answers_in_english_for_that_request_only(engine: Engine, tmp_path: Path) -> None:
    _manager(engine, "U0DE", "de")
    sessions = sessionmaker(engine)
    memory = CallerMemory(sessions)
    unreachable = sessionmaker(create_engine(f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}"))

    assert caller_language(memory, unreachable, TEAM, "U0DE") == "en"  # a hiccup: English, this once
    assert caller_language(memory, sessions, TEAM, "U0DE") == "de"  # ... and not remembered
