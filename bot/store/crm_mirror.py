"""The CRM records the last bulk refresh read, kept so that the next refresh reads only what changed.

Plain rows: a payload per record (kind "deal" or "activity") and the times of the last read and of the
last full read, per source (the connector and the CRM account it reads). bot/crm/mirror.py gives them
meaning; this module only stores them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Engine, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.base import Base, UTCDateTime

BATCH = 1000


class MirrorRead(Base):
    __tablename__ = "crm_mirror_reads"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
    full_read_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MirrorRecord(Base):
    __tablename__ = "crm_mirror_records"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class StoredMirror:
    read_at: datetime
    full_read_at: datetime
    records: dict[str, dict[str, dict[str, Any]]]  # kind -> record id -> payload


class SqlMirrorStore:
    """One source's mirror in the database; every save is one transaction."""

    def __init__(self, engine: Engine, *, source: str) -> None:
        self._engine = engine
        self._source = source[:200]

    def load(self) -> StoredMirror | None:
        with Session(self._engine) as session:
            read = session.get(MirrorRead, self._source)
            if read is None:
                return None
            records: dict[str, dict[str, dict[str, Any]]] = {}
            rows = session.execute(
                select(MirrorRecord.kind, MirrorRecord.record_id, MirrorRecord.payload).where(
                    MirrorRecord.source == self._source
                )
            )
            for kind, record_id, payload in rows:
                records.setdefault(kind, {})[record_id] = payload
            return StoredMirror(read.read_at, read.full_read_at, records)

    def save(
        self,
        *,
        read_at: datetime,
        full_read_at: datetime,
        upserts: Mapping[str, Mapping[str, dict[str, Any]]],
        deletes: Mapping[str, Collection[str]],
        replace: bool,
    ) -> None:
        """Write a full read (replace=True: everything else goes) or an incremental one's changes."""
        with Session(self._engine) as session, session.begin():
            mine = MirrorRecord.source == self._source
            if replace:
                session.execute(delete(MirrorRecord).where(mine))
            for kind in {*deletes, *upserts}:
                # an updated record is deleted and inserted again: one portable statement pair
                doomed = [*deletes.get(kind, ()), *([] if replace else upserts.get(kind, {}))]
                for start in range(0, len(doomed), BATCH):
                    chunk = doomed[start : start + BATCH]
                    session.execute(
                        delete(MirrorRecord).where(
                            mine, MirrorRecord.kind == kind, MirrorRecord.record_id.in_(chunk)
                        )
                    )
            rows = [
                {"source": self._source, "kind": kind, "record_id": record_id, "payload": payload}
                for kind, records in upserts.items()
                for record_id, payload in records.items()
            ]
            for start in range(0, len(rows), BATCH):
                session.execute(insert(MirrorRecord), rows[start : start + BATCH])
            session.merge(MirrorRead(source=self._source, read_at=read_at, full_read_at=full_read_at))
