"""Where the project's non-Python assets live: prompts/ and the Alembic migrations.

In the repository they sit at the top (prompts/, alembic/). The wheel ships them inside the package
as bot/prompts and bot/migrations (pyproject.toml maps them), so an installed crmcoach reads its own
copy through importlib.resources and never looks outside site-packages.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_root() -> Path:
    root = resources.files("bot")
    if not isinstance(root, Path):  # a zipped install: the lesson loader and Alembic need real files
        raise RuntimeError(f"crmcoach must be installed as files on disk, not from {root}")
    return root


def _asset(packaged: str, in_checkout: str) -> Path:
    """The installed copy (bot/<packaged>) or, in a source checkout, the repository's directory."""
    root = _package_root()
    installed = root / packaged
    return installed if installed.is_dir() else root.parent / in_checkout


PROMPTS_DIR = _asset("prompts", "prompts")
ALEMBIC_DIR = _asset("migrations", "alembic")
