"""Training questions (prompts/lessons/training/<lang>.yaml): loaded with the lessons, validated by
`crmcoach lessons check`, and used by retrieval to find the lesson for wordings its asked_as lack."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.coaching import shared, training
from bot.coaching.lessons import LESSONS_DIR, LessonError, LessonLibrary
from tests.helpers import EVAL_DIR, ask_json, eval_items, load_yaml, text_key

TRAINING = LESSONS_DIR / "training"


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    shutil.copytree(LESSONS_DIR, tmp_path / "lessons")
    return tmp_path / "lessons"


def write_training(directory: Path, language: str, text: str) -> Path:
    path = directory / "training" / f"{language}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(directory: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["lessons", "check", "--dir", str(directory)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_training_questions_are_loaded_per_lesson_and_language(library_copy: Path) -> None:
    shutil.rmtree(library_copy / "training")
    write_training(
        library_copy,
        "en",
        "# comment\nnext-steps-verb-who-when:\n"
        '  - "our next steps all say tbd"\n  - " what goes in next step? "\n',
    )

    library = LessonLibrary.load(library_copy)

    lesson = library.get("next-steps-verb-who-when", "en")
    assert lesson is not None
    assert lesson.training == ("our next steps all say tbd", "what goes in next step?")
    assert library.get("next-steps-verb-who-when", "de").training == ()  # type: ignore[union-attr]
    assert all(not other.training for other in library.lessons if other is not lesson)


def test_a_library_without_training_files_still_loads_and_checks(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(library_copy / "training")

    library = LessonLibrary.load(library_copy)
    code, output = check(library_copy, capsys)

    assert library.lessons and not any(lesson.training for lesson in library.lessons)
    assert code == 0, output
    assert "0 training questions" in output


def test_the_shipped_training_files_pass_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = check(LESSONS_DIR, capsys)

    assert code == 0, output
    assert sum(len(lesson.training) for lesson in LessonLibrary.load().lessons) >= 1000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('no-such-lesson:\n  - "a question"\n', "unknown lesson id 'no-such-lesson'"),
        ("next-steps-verb-who-when: []\n", "lesson 'next-steps-verb-who-when': must be a non-empty list"),
        (
            'next-steps-verb-who-when:\n  - "a question"\n  - ""\n',
            "lesson 'next-steps-verb-who-when': each entry must be a non-empty question",
        ),
        (
            'next-steps-verb-who-when:\n  - "Our next steps say TBD"\n  - "our next  steps say tbd"\n',
            "lesson 'next-steps-verb-who-when': lists the question 'our next  steps say tbd' twice",
        ),
        # YAML itself would keep only the second list and lose the first without a word.
        ('role-model-go-first:\n  - "another question"\n', "lesson 'role-model-go-first' is listed twice"),
    ],
)
def test_lessons_check_names_the_file_line_and_lesson_of_a_bad_entry(
    library_copy: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = write_training(library_copy, "en", 'role-model-go-first:\n  - "fine question"\n' + text)

    code, output = check(library_copy, capsys)

    assert code == 1
    assert f"{path}:3: {message}" in output, output
    with pytest.raises(LessonError):  # the bot refuses to start on it too, with the same message
        LessonLibrary.load(library_copy)


def test_a_training_file_that_is_not_utf8_is_reported_with_its_line(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_training(library_copy, "de", 'role-model-go-first:\n  - "x"\n')
    path.write_bytes(path.read_bytes() + '  - "Kundenbesuch über Wiedervorlage"\n'.encode("latin-1"))

    code, output = check(library_copy, capsys)

    assert code == 1
    assert f"{path}:3: not UTF-8 text (save the file as UTF-8)" in output


def test_a_training_file_that_is_not_a_mapping_is_reported(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_training(library_copy, "de", '- "eine Frage"\n')

    code, output = check(library_copy, capsys)

    assert code == 1
    assert f"{path}:1: must map each lesson id to a list of questions" in output


def ask(question: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return ask_json(question, capsys, "--locale", "en")


@pytest.mark.usefixtures("cli_env")
def test_a_training_questions_wording_finds_its_topic_and_not_without_the_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rep who feels watched and so logs nothing: the adoption lesson's asked_as never says it this way.
    question = "kollege fuehlt sich durchs crm kontrolliert und traegt deshalb nichts ein"
    lesson = LessonLibrary.load().get("adoption-refusing-rep-ask-what-it-costs", "de")
    assert lesson is not None and question in lesson.training
    assert all(question not in other.asked_as for other in LessonLibrary.load().lessons)

    answer = ask(question, capsys)

    assert answer["language"] == "de"
    assert answer["lessons"][0]["topic"] == "adoption"
    monkeypatch.setattr(training, "TRAINING_FOLDER", "no-training-here")
    monkeypatch.setattr(shared, "_built", {})  # the process's coach was built with the files: build anew
    assert ask(question, capsys)["lessons"][0]["topic"] != "adoption"


def test_no_test_half_question_is_shown_to_the_picker() -> None:
    """Retrieval learns from the lessons' asked_as and training questions; a test item among them would be
    scored on what the coach was shown. Dev items are taught only through the eval-dev files."""
    test_half = {text_key(str(item["text"])) for item in eval_items() if item.get("split") != "dev"}
    dev_half = {text_key(str(item["text"])) for item in eval_items() if item.get("split") == "dev"}
    library = LessonLibrary.load(LESSONS_DIR)
    shown = [(x.language, x.id, q) for x in library.lessons for q in (*x.asked_as, *x.training)]
    eval_dev = {
        (language, lesson_id, question)
        for language in ("en", "de")
        for lesson_id, questions in load_yaml(
            (TRAINING / f"{language}.eval-dev.yaml").read_text(encoding="utf-8")
        ).items()
        for question in questions
    }

    assert len(shown) > 8000
    assert [entry for entry in shown if text_key(entry[2]) in test_half] == []
    assert [entry for entry in shown if text_key(entry[2]) in dev_half and entry not in eval_dev] == []


def test_the_eval_dev_files_hold_dev_coaching_questions_under_their_best_lesson() -> None:
    best = {
        (item["language"], " ".join(str(item["text"]).split())): item["lessons"][0]
        for item in load_yaml((EVAL_DIR / "questions.yaml").read_text())
        if item["split"] == "dev" and item["kind"] == "coaching"
    }
    for language in ("en", "de"):
        data = load_yaml((TRAINING / f"{language}.eval-dev.yaml").read_text(encoding="utf-8"))
        pairs = [(question, lesson_id) for lesson_id, questions in data.items() for question in questions]

        assert len(pairs) > 400
        assert [pair for pair in pairs if best.get((language, pair[0])) != pair[1]] == []


def test_every_training_file_of_a_language_counts_and_a_question_in_two_of_them_is_reported(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(library_copy / "training")
    write_training(library_copy, "en", 'next-steps-verb-who-when:\n  - "our next steps all say tbd"\n')
    write_training(library_copy, "en.extra", 'next-steps-verb-who-when:\n  - "next step field says call"\n')

    lesson = LessonLibrary.load(library_copy).get("next-steps-verb-who-when", "en")
    assert lesson is not None and lesson.training == (
        "our next steps all say tbd",
        "next step field says call",
    )

    write_training(library_copy, "en.more", 'next-steps-verb-who-when:\n  - "Our next steps  all say TBD"\n')
    code, output = check(library_copy, capsys)

    assert code == 1
    assert (
        "en.more.yaml: lesson 'next-steps-verb-who-when': 'Our next steps  all say TBD' is also in en.yaml"
        in output
    )
