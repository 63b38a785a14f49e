"""The offline Coach is built once per process and per content of the lesson files (coaching/shared.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.coaching import asked, asked_model, asked_terms, shared
from bot.coaching.coach import Coach
from bot.coaching.lessons import LESSONS_DIR
from bot.coaching.shared import lessons_fingerprint, shared_coach


class _Writer:
    def write(self, **_: object) -> None:
        return None  # "fall back to the offline answer"


def test_every_build_in_a_process_gets_the_same_coach(coach: Coach) -> None:
    assert shared_coach() is shared_coach() is coach


def test_a_writer_gets_its_own_coach_on_the_shared_indexes(coach: Coach) -> None:
    writer = _Writer()

    written = shared_coach(writer)

    assert written.writer is writer and coach.writer is None
    assert written.classifier is coach.classifier and written.library is coach.library
    answer = written.answer("how do I review my pipeline?", language="en", stats=None)
    assert answer.source == "offline"  # the writer's None falls back to the shared offline answer


def test_the_key_changes_when_a_lesson_file_changes(tmp_path: Path) -> None:
    copy = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, copy)
    before = lessons_fingerprint(copy)
    assert lessons_fingerprint(copy) == before == lessons_fingerprint(LESSONS_DIR)

    lesson = next((copy / "en").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    edited = lessons_fingerprint(copy)
    (copy / "de" / "new.md").write_text("---\n---\n", encoding="utf-8")

    assert len({before, edited, lessons_fingerprint(copy)}) == 3


def test_a_rebuild_reads_the_edited_metric_terms_again(
    coach: Coach, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "metric_terms.toml"
    edited.write_text(
        asked_terms.TERMS_FILE.read_text(encoding="utf-8").replace(
            '"overdue",', '"overdue", "blorptastic date",', 1
        ),
        encoding="utf-8",
    )
    assert asked.asked_metric("how many deals have a blorptastic date", "en") == "open_deals"  # just counted
    monkeypatch.setattr(asked_terms, "TERMS_FILE", edited)
    monkeypatch.setattr(shared, "_built", {"the files as they were": coach})  # the files changed since

    try:
        shared_coach()

        assert asked.asked_metric("how many deals have a blorptastic date", "en") == "overdue_close_dates"
    finally:
        asked.forget_terms()  # the next test reads the shipped file again


def test_a_rebuild_learns_from_the_edited_metric_examples_again(
    coach: Coach, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = "how many flurbs did the team glorp"  # no word any rule or example knows
    edited = tmp_path / "metric_examples.yaml"
    edited.write_text(
        asked_model.EXAMPLES_FILE.read_text(encoding="utf-8").replace(
            "activities:\n", "activities:\n" + f'  - "{message}"\n' * 40, 1
        ),
        encoding="utf-8",
    )
    assert asked.asked_metric(message, "en") is None
    monkeypatch.setattr(asked_model, "EXAMPLES_FILE", edited)
    monkeypatch.setattr(shared, "_built", {"the files as they were": coach})  # the files changed since

    try:
        shared_coach()

        assert asked.asked_metric(message, "en") == "activities_7d_team"
    finally:
        monkeypatch.undo()
        asked_model.forget_metric_model()  # the next test learns from the shipped file again
