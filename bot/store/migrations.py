"""Alembic, driven from Python: `crmcoach db upgrade` and the start-up schema check."""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from alembic import command
from bot.paths import ALEMBIC_DIR


def _config(engine: Engine) -> Config:
    # Configured in code: an installed crmcoach has no alembic.ini (that file is for `alembic revision`).
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision(engine)


class SchemaOutdatedError(Exception):
    """The shared database is behind the code: run `crmcoach db upgrade` (the release phase does)."""


def ensure_schema(engine: Engine) -> None:
    """Embedded SQLite upgrades itself; a shared Postgres is only upgraded by `crmcoach db upgrade`."""
    if engine.dialect.name == "sqlite":
        upgrade(engine)
    elif not is_current(engine):
        raise SchemaOutdatedError(
            f"The database schema is at {current_revision(engine) or 'nothing'}, the code needs "
            f"{head_revision(engine)}. Run `crmcoach db upgrade` first."
        )
