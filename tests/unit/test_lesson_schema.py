"""`crmcoach lessons check` enforces the lesson schema: one metric per lesson, a goal on it, honest sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.coaching.goals import GOAL_METRICS, REFLECTIVE_METRICS
from bot.coaching.lessons import KEY_ORDER, LESSONS_DIR, LessonLibrary

EN_FILE = "role-model-go-first.md"


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    shutil.copytree(LESSONS_DIR, tmp_path / "lessons")
    return tmp_path / "lessons"


def check(directory: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["lessons", "check", "--dir", str(directory)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_library_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = check(LESSONS_DIR, capsys)
    assert code == 0, output
    assert "ok." in output


def test_every_lesson_declares_one_count_metric_and_a_goal_or_is_reflective() -> None:
    library = LessonLibrary.load()
    for lesson in library.lessons:
        assert lesson.metric in (REFLECTIVE_METRICS if lesson.reflective else GOAL_METRICS)
        assert (lesson.goal is None) == lesson.reflective
    for language in ("en", "de"):
        mine = library.in_language(language)
        assert sum(lesson.reflective for lesson in mine) <= len(mine) / 5


def test_a_goal_on_another_metric_is_rejected(library_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = library_copy / "en" / EN_FILE
    rewrite(path, "goal:\n", "goal:\n  metric: stale_deals\n")
    code, output = check(library_copy, capsys)
    assert code == 1
    assert (
        f"{path}:9: the goal is on 'stale_deals' but the lesson's metric is 'own_deals_without_next_step'"
        in output
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  change: -3\n", "  change: 3\n", "must be negative (fewer)"),
        ("  change: -3\n", "  change: 0\n", "not 0"),
        ("metric: own_deals_without_next_step\n", "metric: no_next_step_share\n", "is not a count metric"),
        ("  deadline_days: 7\n", "  deadline_days: 90\n", "from 1 to 60"),
        ("  change: -3\n", "  change: -4\n", "must name how many it asks for (4"),
        ("goal:\n  change: -3\n  deadline_days: 7\n", "", "missing 'goal' on own_deals_without_next_step"),
        ("  deadline_days: 7\n", "  deadline_days: 7\nreflective: true\n", "a reflective lesson has no goal"),
    ],
)
def test_dishonest_or_unreachable_goals_are_rejected(
    library_copy: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    rewrite(library_copy / "en" / EN_FILE, old, new)
    code, output = check(library_copy, capsys)
    assert code == 1
    assert message in output


def test_an_activity_goal_must_fall_inside_the_seven_day_window(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite(
        library_copy / "en" / "activity-logging-log-your-own-contacts.md",
        "deadline_days: 7",
        "deadline_days: 14",
    )
    code, output = check(library_copy, capsys)
    assert code == 1
    assert "from 1 to 7 (activities_7d_manager is counted over a window)" in output


def test_german_practice_must_name_the_goals_number_too(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite(library_copy / "de" / EN_FILE, "  change: -3\n", "  change: -2\n")  # the task says „drei“
    code, output = check(library_copy, capsys)
    assert code == 1
    assert "de/role-model-go-first.md:7: the practice task must name how many it asks for (2" in output


def test_keys_must_keep_the_agreed_order(library_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = library_copy / "en" / EN_FILE
    text = path.read_text(encoding="utf-8")
    goal = "goal:\n  change: -3\n  deadline_days: 7\n"
    path.write_text(text.replace(goal, "").replace("triggers:", goal + "triggers:"), encoding="utf-8")
    code, output = check(library_copy, capsys)
    assert code == 1
    assert "keys must come in this order: " + ", ".join(KEY_ORDER) in output


def test_at_most_a_fifth_of_a_language_may_be_reflective(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goals = [
        p for p in sorted((library_copy / "en").glob("*.md")) if "\ngoal:\n" in p.read_text(encoding="utf-8")
    ]
    total = len(list((library_copy / "en").glob("*.md")))
    reflective = total - len(goals)
    converted = int(total / 5) - reflective + 1  # the fewest that push the share past a fifth
    for path in goals[:converted]:
        for language in ("en", "de"):
            twin = library_copy / language / path.name
            text = twin.read_text(encoding="utf-8")
            start = text.index("\ngoal:\n") + 1
            end = text.index("reflection:")
            twin.write_text(text[:start] + "reflective: true\n" + text[end:], encoding="utf-8")
    code, output = check(library_copy, capsys)
    assert code == 1
    assert f"en: {reflective + converted} of {total} lessons are reflective; at most a fifth may be" in output
