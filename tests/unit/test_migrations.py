"""Alembic migrations produce exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from bot.store.migrations import ensure_schema, is_current
from bot.store.models import Base


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []
    assert is_current(engine)


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    ensure_schema(engine)
    ensure_schema(engine)

    assert is_current(engine)
