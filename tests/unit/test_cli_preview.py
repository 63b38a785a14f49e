"""`crmcoach preview`: week by week what a manager would receive, with nothing sent or stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.store.delivery_models import OutboxMessage, PracticeTask, StatsSnapshot
from bot.store.models import Manager


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeded: Engine) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CRM_CONNECTOR", "demo")
    monkeypatch.chdir(tmp_path)


def _rows(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Manager, OutboxMessage, PracticeTask, StatsSnapshot)
        )


def test_preview_prints_eight_weeks_of_focus_lesson_task_goal_and_results(
    seeded: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _rows(seeded)

    code = main(
        [
            "preview",
            "--user",
            "james.miller@example.com",
            "--weeks",
            "8",
            "--behaviour",
            "done",
            "--now",
            "2026-11-23T06:00Z",
        ]
    )

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Week 1" in out and "Week 8" in out and "Week 9" not in out
    assert out.count("  nudge") == 8
    assert "focus:  " in out and "lesson: " in out and "task:   " in out and "goal:   Goal: from " in out
    assert "result: ✅" in out  # a task done as written is checked and reported, start → now
    assert "[sent before]" not in out
    assert _rows(seeded) == before  # nothing stored


def test_preview_of_an_unknown_manager_says_whom_it_looked_for(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--user", "nobody@example.com"]) == 2
    assert "nobody with the e-mail nobody@example.com" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--weeks", "0"], "--weeks must be from 1 to 26"),
        (["--behaviour", "later"], "invalid choice: 'later'"),
    ],
)
def test_preview_refuses_options_it_cannot_use(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["preview", "--user", "james.miller@example.com", *argv])
    assert exit_code.value.code == 2
    assert message in capsys.readouterr().err
