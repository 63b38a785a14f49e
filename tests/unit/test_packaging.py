"""The wheel ships prompts/ and alembic/ as package data: every file in them must match a glob."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.paths import ALEMBIC_DIR, PROMPTS_DIR

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


@pytest.mark.parametrize(("package", "source"), [("bot.prompts", "prompts"), ("bot.migrations", "alembic")])
def test_every_asset_file_is_package_data(package: str, source: str) -> None:
    directory = ROOT / CONFIG["package-dir"][package]
    assert directory == ROOT / source
    shipped = {path for pattern in CONFIG["package-data"][package] for path in directory.glob(pattern)}
    shipped |= set(directory.glob("*.py"))  # modules of the mapped package
    present = {p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert present - shipped == set(), "add a package-data glob in pyproject.toml for these files"


def test_a_checkout_reads_the_repository_directories() -> None:
    assert PROMPTS_DIR == ROOT / "prompts"
    assert ALEMBIC_DIR == ROOT / "alembic"
