"""Packages for the wheel: bot/ plus prompts/ and alembic/ mapped into it (see pyproject.toml)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["bot", "bot.*"]), "bot.prompts", "bot.migrations"])
