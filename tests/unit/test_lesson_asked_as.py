"""`asked_as`: a lesson's example questions, validated by `crmcoach lessons check` and used by retrieval."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.coaching.coach import Coach
from bot.coaching.lessons import LESSONS_DIR, LessonError, LessonLibrary, parse_lesson
from bot.coaching.vocabulary import Vocabulary

SHIPPED = LESSONS_DIR / "en" / "next-steps-verb-who-when.md"


def lesson_file(tmp_path: Path, asked_as: str, *, after: str = "") -> Path:
    """A shipped lesson (valid under the current schema) with its asked_as block replaced."""
    header, body = SHIPPED.read_text(encoding="utf-8").split("\n---\n", 1)
    header = header.split("\nasked_as:")[0]
    path = tmp_path / SHIPPED.name
    path.write_text(f"{header}\n{asked_as.strip()}{after}\n---\n{body}", encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(LessonError) as error:
        parse_lesson(path, "en")
    return error.value.problems


def test_asked_as_is_read_as_the_lessons_questions(tmp_path: Path) -> None:
    path = lesson_file(
        tmp_path, 'asked_as:\n  - "our next steps say follow up"\n  - "what is a good next step"'
    )

    lesson = parse_lesson(path, "en")

    assert lesson.asked_as == ("our next steps say follow up", "what is a good next step")


def test_every_shipped_lesson_has_ten_to_fourteen_questions_in_its_language() -> None:
    library = LessonLibrary.load()

    assert all(10 <= len(lesson.asked_as) <= 14 for lesson in library.lessons)


@pytest.mark.parametrize(
    ("asked_as", "message"),
    [
        ('asked_as: "what is a good next step"', "asked_as must be a list of 2 to 14 questions"),
        ('asked_as:\n  - "only one"', "asked_as must be a list of 2 to 14 questions"),
        ("asked_as:\n" + "".join(f'  - "question {n}"\n' for n in range(15)), "a list of 2 to 14"),
        ('asked_as:\n  - "a question"\n  - ""', "non-empty question"),
        ('asked_as:\n  - "a question"\n  - 61', "non-empty question"),
        (
            'asked_as:\n  - "a question"\n  - "Write next steps with a verb, a name and a date"',
            "repeats the title",
        ),
        ('asked_as:\n  - "a question"\n  - "A question"', "the same question twice"),
    ],
)
def test_bad_asked_as_is_reported_with_file_and_line(tmp_path: Path, asked_as: str, message: str) -> None:
    path = lesson_file(tmp_path, asked_as)

    found = problems(path)

    assert any(message in problem and problem.startswith(f"{path}:") for problem in found), found


def test_asked_as_must_be_the_last_key(tmp_path: Path) -> None:
    path = lesson_file(tmp_path, 'asked_as:\n  - "one question"\n  - "another question"', after="\nmore: 1")

    found = problems(path)

    assert any("asked_as must be the last key" in problem for problem in found), found


def test_a_lessons_questions_count_in_retrieval(tmp_path: Path, coach: Coach) -> None:
    for language in ("en", "de"):
        (tmp_path / language).mkdir()
        for source in sorted((LESSONS_DIR / language).glob("*.md")):
            (tmp_path / language / source.name).write_text(source.read_text(encoding="utf-8"), "utf-8")
    question = "how do I tame the kraken"
    # Before the edit the copy is the shipped library, which the session's coach answers from.
    assert coach.answer(question, language="en", stats=None, offline=True).lessons[0].id != SHIPPED.stem

    shipped = (tmp_path / "en" / SHIPPED.name).read_text(encoding="utf-8")
    (tmp_path / "en" / SHIPPED.name).write_text(
        re.sub(r"asked_as:\n  - .*\n", 'asked_as:\n  - "my team keeps feeding the kraken"\n', shipped),
        encoding="utf-8",
    )
    after = Coach(library=LessonLibrary.load(tmp_path), vocabulary=Vocabulary.load())

    assert after.answer(question, language="en", stats=None, offline=True).lessons[0].id == SHIPPED.stem
