"""Training questions: how managers word the situations a lesson answers, used only to teach the picker.

    prompts/lessons/training/<en|de>.yaml      lesson id -> list of questions, in that language
    prompts/lessons/training/<en|de>.*.yaml    more from another source, e.g. <lang>.eval-dev.yaml: the
                                               eval set's dev halves (benchmarks/eval_dev_training.py)

Like a lesson's `asked_as` they are never shown to anyone; unlike them they live outside the lesson files,
in any number, and teach only the picker: each is an n-gram exemplar of its lesson and a topic-prior
example, but not BM25 text (there they made the dev set worse). A language without a file has none.
Problems are reported as file:line like the lessons'.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

TRAINING_FOLDER = "training"  # beside the lesson folders
# The files hold a thousand questions or more per language: libyaml reads them 20x faster when present.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Training = dict[str, tuple[str, ...]]  # lesson id -> its training questions


def training_files(lessons_dir: Path, language: str) -> list[Path]:
    """The language's main training file, then its other sources in name order (only those that exist)."""
    folder = lessons_dir / TRAINING_FOLDER
    main = folder / f"{language}.yaml"
    return [main] * main.exists() + sorted(folder.glob(f"{language}.*.yaml"))


def load_all_training(
    lessons_dir: Path, lesson_ids: Mapping[str, Collection[str]]
) -> tuple[dict[tuple[str, str], tuple[str, ...]], list[str]]:
    """(language, lesson id) -> questions from every training file of each language, and every problem;
    a question in two files of a language is a problem (it would count twice)."""
    questions: dict[tuple[str, str], tuple[str, ...]] = {}
    problems: list[str] = []
    for language, ids in lesson_ids.items():
        seen: dict[str, str] = {}  # question key -> file name
        for path in training_files(lessons_dir, language):
            training, found = load_training(path, ids)
            problems += found
            for lesson_id, asked in training.items():
                problems += [
                    f"{path}: lesson '{lesson_id}': '{q}' is also in {seen[question_key(q)]}"
                    for q in asked
                    if question_key(q) in seen
                ]
                seen.update((question_key(q), path.name) for q in asked)
                questions[language, lesson_id] = questions.get((language, lesson_id), ()) + asked
    return questions, problems


def question_key(question: str) -> str:
    """A question as compared for repeats: case and spacing ignored."""
    return " ".join(question.casefold().split())


def load_training(path: Path, lesson_ids: Collection[str]) -> tuple[Training, list[str]]:
    """The questions per lesson id and every problem found ('file:line: what'); no file, no questions."""
    if not path.exists():
        return {}, []
    text, unreadable = read_mapping(path, "lesson", "merge its questions into one list")
    if unreadable:
        return {}, unreadable
    try:
        data = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        return {}, [f"{path}:{line}: invalid YAML ({getattr(exc, 'problem', exc)})"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [f"{path}:1: must map each lesson id to a list of questions"]
    training: Training = {}
    problems: list[str] = []
    for lesson_id, questions in data.items():
        # The line is looked up only for a problem: finding it scans the whole file.
        if lesson_id not in lesson_ids:
            where = f"{path}:{_line_of(text, lesson_id)}"
            problems.append(f"{where}: unknown lesson id '{lesson_id}' (no such lesson in this language)")
            continue
        found = entry_problems(questions, "question")
        if found:
            where = f"{path}:{_line_of(text, lesson_id)}"
            problems += [f"{where}: lesson '{lesson_id}': {problem}" for problem in found]
        else:
            training[lesson_id] = tuple(question.strip() for question in questions)
    return training, problems


def read_mapping(path: Path, key_name: str, fix: str) -> tuple[str, list[str]]:
    """A flat YAML mapping file's text, or what keeps it from being read as intended: not UTF-8, or a key
    listed twice (YAML would silently keep only the last list)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return "", [f"{path}:{line}: not UTF-8 text (save the file as UTF-8)"]
    return text, [
        f"{path}:{line}: {key_name} '{key}' is listed twice ({fix})" for key, line in _repeated_keys(text)
    ]


def entry_problems(entries: Any, noun: str, seen: set[str] | None = None) -> list[str]:
    """What is wrong with a list of `noun`s (questions, messages): not a non-empty list, an entry that is
    no non-empty text, an entry listed twice (ignoring case and spacing). Pass the same `seen` for several
    lists to count a repeat across them (a kind file's messages, whatever their kind)."""
    if not isinstance(entries, list) or not entries:
        return [f"must be a non-empty list of {noun}s"]
    seen = set() if seen is None else seen
    problems: list[str] = []
    for entry in entries:
        if not isinstance(entry, str) or not entry.strip():
            problems.append(f"each entry must be a non-empty {noun} (quote it)")
            continue
        key = question_key(entry)
        if key in seen:
            problems.append(f"lists the {noun} '{entry.strip()}' twice")
        seen.add(key)
    return problems


def _repeated_keys(text: str) -> list[tuple[str, int]]:
    """(key, line) for each top-level key seen before: YAML would silently keep only the last list."""
    seen: set[str] = set()
    repeated: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1].isspace() or line.startswith(("#", "-")) or ":" not in line:
            continue
        key = line.split(":", 1)[0].strip().strip("'\"")
        if key in seen:
            repeated.append((key, number))
        seen.add(key)
    return repeated


def _line_of(text: str, key: object) -> int:
    """1-based line where `key:` starts a line (the file is a flat mapping); 1 when not found."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith((f"{key}:", f'"{key}":', f"'{key}':")):
            return number
    return 1
