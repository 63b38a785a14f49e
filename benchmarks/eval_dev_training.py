"""Write the dev halves' coaching questions into the lesson picker's training files.

    .venv/bin/python benchmarks/eval_dev_training.py [--hold-out N ...]

Every `split: dev`, `kind: coaching` item of benchmarks/coaching_eval/questions.yaml becomes a training
question of its best lesson (the first of `lessons`) in prompts/lessons/training/<language>.eval-dev.yaml.
Why: these are questions blind writers wrote the way managers type; on dev batches the picker had not
seen, adding the other batches' dev questions raised topic top-1 (benchmarks/coaching_eval/README.md,
"Dev questions as training"). The test halves are never written: they stay for reporting.
`--hold-out 15` leaves one numbering block (en-15001…) out, to measure on its dev half what the rest
teaches. A question already among the main training file's questions or a lesson's asked_as is skipped.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

import yaml

from bot.coaching.lessons import LESSONS_DIR, LessonLibrary
from bot.coaching.training import TRAINING_FOLDER, load_training, question_key
from bot.i18n import LANGUAGES

QUESTIONS = Path(__file__).parent / "coaching_eval" / "questions.yaml"
SUFFIX = ".eval-dev"


def batch_of(item_id: str) -> str:
    """The numbering block: '' for the first set (en-001), '6' for en-6001, '15' for en-15001."""
    return re.fullmatch(r"(?:en|de)-(\d*?)\d{3}", item_id).group(1)  # type: ignore[union-attr]


def dev_questions(held_out: set[str]) -> dict[str, dict[str, list[str]]]:
    """language -> lesson id -> the dev coaching questions whose best lesson it is, in set order."""
    lessons = LessonLibrary.load(LESSONS_DIR).lessons
    known = {(lesson.language, question_key(text)) for lesson in lessons for text in lesson.asked_as}
    for language in LANGUAGES:  # the written training questions, not this script's earlier output
        written, _ = load_training(training_file(language), {x.id for x in lessons})
        known |= {(language, question_key(text)) for questions in written.values() for text in questions}
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")):
        if item["split"] != "dev" or item["kind"] != "coaching" or batch_of(item["id"]) in held_out:
            continue
        text = " ".join(str(item["text"]).split())
        if (item["language"], question_key(text)) not in known:
            known.add((item["language"], question_key(text)))
            found[item["language"]][item["lessons"][0]].append(text)
    return found


def training_file(language: str, suffix: str = "") -> Path:
    return LESSONS_DIR / TRAINING_FOLDER / f"{language}{suffix}.yaml"


def write(language: str, per_lesson: dict[str, list[str]], held_out: set[str]) -> Path:
    path = training_file(language, SUFFIX)
    hold = " ".join(f"--hold-out {block}" for block in sorted(held_out, key=int))
    lines = [
        "# The coaching questions of benchmarks/coaching_eval/questions.yaml's dev halves, per best lesson.",
        f"# Made by benchmarks/eval_dev_training.py {hold}".rstrip() + "; do not edit by hand.",
    ]
    for lesson_id in sorted(per_lesson):
        lines.append(f"{lesson_id}:")
        lines += [f"  - {json.dumps(text, ensure_ascii=False)}" for text in per_lesson[lesson_id]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--hold-out", action="append", default=[], metavar="N", help="numbering block to leave out"
    )
    args = parser.parse_args()
    held_out = set(args.hold_out)
    for language, per_lesson in sorted(dev_questions(held_out).items()):
        path = write(language, per_lesson, held_out)
        count = sum(len(questions) for questions in per_lesson.values())
        print(f"{path}: {count} questions for {len(per_lesson)} lessons")


if __name__ == "__main__":
    main()
