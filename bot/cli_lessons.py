"""`crmcoach lessons check`: validate every lesson file, with file:line for each problem."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bot.config import Settings


def register(commands: Any) -> None:
    lessons = commands.add_parser("lessons", help="the micro-lesson library").add_subparsers(
        title="lessons commands", metavar="ACTION"
    )
    check = lessons.add_parser(
        "check", help="validate schema, topics, length, en/de pairs and trigger metrics"
    )
    check.add_argument("--dir", type=Path, help="lesson folder (default: prompts/lessons)")
    check.set_defaults(run=_check)


def _check(args: argparse.Namespace, _settings: Settings) -> int:
    from bot.coaching.kind_model import training_problems
    from bot.coaching.kinds import KINDS
    from bot.coaching.lessons import LESSONS_DIR, LessonError, LessonLibrary, coverage_problems
    from bot.coaching.vocabulary import vocabulary_problems

    directory = args.dir or LESSONS_DIR
    try:
        library = LessonLibrary.load(directory)
    except LessonError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in {directory}.", file=sys.stderr)
        return 1
    problems = coverage_problems(library) + vocabulary_problems(directory / "vocabulary.yaml")
    problems += training_problems(KINDS)  # the kind model's examples (prompts/kinds/training)
    for problem in problems:
        print(problem, file=sys.stderr)
    counts = Counter(lesson.language for lesson in library.lessons)
    summary = ", ".join(f"{counts[language]} {language}" for language in sorted(counts))
    training = sum(len(lesson.training) for lesson in library.lessons)
    print(
        f"{len(library.lessons)} lessons ({summary or 'none'}), {training} training questions "
        f"in {directory}: "
        f"{'ok' if not problems else f'{len(problems)} problem(s)'}."
    )
    return 1 if problems else 0
