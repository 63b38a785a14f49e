"""One logging set-up for every process we start (CLI commands, serve's worker processes)."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Migration, indexing and request chatter is not news below DEBUG.
CHATTY = ("alembic", "bm25s", "httpx")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger().setLevel(level)
    if level != "DEBUG":
        for chatty in CHATTY:
            logging.getLogger(chatty).setLevel(logging.WARNING)
