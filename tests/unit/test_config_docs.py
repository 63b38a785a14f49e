"""docs/configuration.md and the settings agree: the reference is generated, every name in the docs exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import setting_hints
from bot.config_docs import BEGIN, END, settings_reference, with_reference

ROOT = Path(__file__).parents[2]
CONFIGURATION = ROOT / "docs" / "configuration.md"
# Names that look like settings; prefixes of the environment names the app reads.
SETTING_NAME = re.compile(
    r"\b(?:(?:SLACK|CRMCOACH|CRM|HUBSPOT|SALESFORCE|PIPEDRIVE|OPENAI|DATABASE)_[A-Z0-9_]*[A-Z0-9]|PORT|LOG_LEVEL)\b"
)
NOT_SETTINGS = {"CRMCOACH_TEST_POSTGRES_URL"}  # read by the test suite, not by the app


def test_the_reference_in_the_docs_is_the_one_the_settings_generate() -> None:
    document = CONFIGURATION.read_text(encoding="utf-8")

    assert with_reference(document) == document, "run `crmcoach config docs --write docs/configuration.md`"


def test_every_setting_is_in_the_docs_and_every_name_in_the_docs_is_a_setting() -> None:
    settings = set(setting_hints())
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    mentioned = {name: page.name for page in pages for name in SETTING_NAME.findall(page.read_text("utf-8"))}
    reference = set(SETTING_NAME.findall(CONFIGURATION.read_text(encoding="utf-8").partition(BEGIN)[2]))

    assert settings - reference == set()
    assert {name: page for name, page in mentioned.items() if name not in settings | NOT_SETTINGS} == {}


def test_config_docs_prints_the_reference_and_writes_it_into_a_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "configuration.md"
    stale.write_text(
        f"# Settings\n\n{BEGIN}\n| `OLD_SETTING` | gone |\n{END}\n\nMore text.\n", encoding="utf-8"
    )

    assert main(["config", "docs"]) == 0
    printed = capsys.readouterr().out
    assert main(["config", "docs", "--write", str(stale)]) == 0

    assert printed == settings_reference()
    assert "| `CRMCOACH_NUDGE_TIME` | `09:00` | the local time of the weekly nudge, like 09:00 |" in printed
    assert stale.read_text(encoding="utf-8") == f"# Settings\n\n{BEGIN}\n\n{printed}\n{END}\n\nMore text.\n"
    assert main(["config", "docs", "--write", str(tmp_path / "missing.md")]) == 2
