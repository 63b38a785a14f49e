"""Micro-lessons: Markdown files with YAML front matter, one per lesson and language.

    prompts/lessons/<en|de>/<id>.md

The front matter is validated strictly (`crmcoach lessons check`): every problem is reported as
file:line, and English and German versions of a lesson must agree on everything but the words.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.coaching.goals import GOAL_METRICS, REFLECTIVE_METRICS, Goal, goal_problems
from bot.coaching.metrics import COMPARISONS, METRICS
from bot.coaching.training import YAML_LOADER, load_all_training
from bot.i18n import LANGUAGES, Language
from bot.paths import PROMPTS_DIR

LESSONS_DIR = PROMPTS_DIR / "lessons"
TOPICS = (
    "adoption",
    "role-model",
    "pipeline-review",
    "one-on-one",
    "next-steps",
    "data-quality",
    "activity-logging",
    "forecasting",
    "relationship-management",
    "dashboards",
    "personal-crm",
    "getting-started",
)
MAX_BODY_WORDS = 120
MIN_LESSONS_PER_LANGUAGE = 60
MIN_LESSONS_PER_TOPIC = 3
# At most this share of a language's lessons may be reflective (a reflection question, no CRM goal).
MAX_REFLECTIVE_SHARE = 0.2
# Every key, in the order lesson files list them (docs/lesson-authoring.md).
KEY_ORDER = (
    "id",
    "topic",
    "level",
    "title",
    "minutes",
    "practice",
    "metric",
    "goal",
    "reflective",
    "reflection",
    "triggers",
)
REQUIRED = ("id", "topic", "level", "title", "minutes", "practice", "metric", "reflection")
OPTIONAL = ("goal", "reflective", "triggers", "asked_as")
LANGUAGE_NEUTRAL = ("topic", "level", "minutes", "metric", "goal", "reflective", "triggers")
NUMBER_WORDS_FILE = LESSONS_DIR / "number_words.toml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
# libyaml's safe loader when PyYAML was built with it: the same documents, about 15x faster to read.
SAFE_LOADER: type[yaml.SafeLoader] = YAML_LOADER


@dataclass(frozen=True, slots=True)
class Condition:
    """A metric compared with a number, e.g. stale_share > 0.3."""

    metric: str
    comparison: str
    value: float


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    language: Language
    topic: str
    level: int
    title: str
    minutes: int
    practice: str
    reflection: str
    body: str
    metric: str  # the one count metric the practice task moves; "Your numbers" and the goal use it
    goal: Goal | None  # None exactly when the lesson is reflective
    triggers: tuple[Condition, ...]
    path: Path
    asked_as: tuple[str, ...] = ()  # example questions in the lesson's language; they count in retrieval
    training: tuple[str, ...] = ()  # prompts/lessons/training/: teach the picker only

    @property
    def reflective(self) -> bool:
        return self.goal is None


class LessonError(ValueError):
    """One or more lesson files are invalid; `problems` are 'file:line: what' strings."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the lesson files")


@dataclass(frozen=True)
class LessonLibrary:
    lessons: tuple[Lesson, ...]

    @classmethod
    def load(cls, directory: Path = LESSONS_DIR) -> LessonLibrary:
        """Every lesson in every language; raises LessonError listing every problem found."""
        lessons, problems = _load_all(directory)
        problems += _pair_problems(lessons)
        lessons = _with_training(directory, lessons, problems)
        if problems:
            raise LessonError(problems)
        return cls(
            tuple(
                sorted(lessons, key=lambda lesson: (lesson.language, lesson.topic, lesson.level, lesson.id))
            )
        )

    def in_language(self, language: Language) -> list[Lesson]:
        return [lesson for lesson in self.lessons if lesson.language == language]

    def get(self, lesson_id: str, language: Language) -> Lesson | None:
        return next((x for x in self.lessons if x.id == lesson_id and x.language == language), None)


def _load_all(directory: Path) -> tuple[list[Lesson], list[str]]:
    lessons: list[Lesson] = []
    problems: list[str] = []
    for language in LANGUAGES:
        for path in sorted((directory / language).glob("*.md")):
            try:
                lessons.append(parse_lesson(path, language))
            except LessonError as error:
                problems += error.problems
    return lessons, problems


def _with_training(directory: Path, lessons: list[Lesson], problems: list[str]) -> list[Lesson]:
    """Each lesson with its training questions from every training file of its language (if any)."""
    ids: dict[str, set[str]] = {
        language: {x.id for x in lessons if x.language == language} for language in LANGUAGES
    }
    questions, found = load_all_training(directory, ids)
    problems += found
    return [replace(lesson, training=questions.get((lesson.language, lesson.id), ())) for lesson in lessons]


def parse_lesson(path: Path, language: Language) -> Lesson:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if match is None:
        raise LessonError([f"{path}:1: must start with '---', YAML front matter, '---', then the body"])
    header, body = match.group(1), _unwrap(match.group(2).strip())
    try:
        data = yaml.load(header, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise LessonError([f"{path}:{line}: invalid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(data, dict):
        raise LessonError([f"{path}:2: the front matter must be a mapping of keys to values"])
    problems = _field_problems(path, header, data, body) + _goal_field_problems(path, header, data, language)
    if problems:
        raise LessonError(problems)
    return Lesson(
        id=data["id"],
        language=language,
        topic=data["topic"],
        level=data["level"],
        title=str(data["title"]),
        minutes=data["minutes"],
        practice=str(data["practice"]).strip(),
        reflection=str(data["reflection"]).strip(),
        body=body,
        metric=data["metric"],
        goal=_goal(data.get("goal")),
        triggers=_conditions(data.get("triggers")),
        path=path,
        asked_as=tuple(question.strip() for question in data.get("asked_as") or ()),
    )


def _field_problems(path: Path, header: str, data: dict[str, Any], body: str) -> list[str]:
    def at(key: str) -> str:
        return f"{path}:{_line_of(header, key)}"

    problems = [f"{path}:2: missing '{key}'" for key in REQUIRED if key not in data]
    problems += [
        f"{at(key)}: unknown key '{key}' (allowed: {', '.join(KEY_ORDER)})"
        + ("; 'check' is now metric + goal, see docs/lesson-authoring.md" if key == "check" else "")
        for key in data
        if key not in REQUIRED + OPTIONAL
    ]
    if "id" in data and (not isinstance(data["id"], str) or data["id"] != path.stem):
        problems.append(f"{at('id')}: id must equal the file name '{path.stem}'")
    elif "id" in data and not ID_PATTERN.match(data["id"]):
        problems.append(f"{at('id')}: id may use a-z, 0-9 and single hyphens only")
    if "topic" in data and data["topic"] not in TOPICS:
        problems.append(f"{at('topic')}: topic '{data['topic']}' is not one of: {', '.join(TOPICS)}")
    if "level" in data and data["level"] not in (1, 2, 3):
        problems.append(f"{at('level')}: level must be 1 (first steps), 2 or 3 (advanced)")
    if "minutes" in data and (not isinstance(data["minutes"], int) or not 1 <= data["minutes"] <= 30):
        problems.append(f"{at('minutes')}: minutes must be a whole number from 1 to 30")
    for key in ("title", "practice", "reflection"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            problems.append(f"{at(key)}: {key} must be non-empty text")
    words = len(body.split())
    if not words or words > MAX_BODY_WORDS:
        problems.append(
            f"{path}:{header.count(chr(10)) + 3}: the body has {words} words; 1 to {MAX_BODY_WORDS} allowed"
        )
    problems += _trigger_problems(at("triggers"), data.get("triggers"))
    known = [key for key in data if key in KEY_ORDER]
    if known != sorted(known, key=KEY_ORDER.index):
        problems.append(f"{path}:2: keys must come in this order: {', '.join(KEY_ORDER)}")
    problems += asked_as_problems(at("asked_as"), data)
    return problems


MIN_ASKED_AS, MAX_ASKED_AS = 2, 14


def asked_as_problems(where: str, data: dict[str, Any]) -> list[str]:
    """`asked_as`: the last key, a list of 2–14 different questions, none just the title again."""
    if "asked_as" not in data:
        return []
    questions = data["asked_as"]
    if not isinstance(questions, list) or not MIN_ASKED_AS <= len(questions) <= MAX_ASKED_AS:
        return [f"{where}: asked_as must be a list of {MIN_ASKED_AS} to {MAX_ASKED_AS} questions"]
    problems = []
    if list(data)[-1] != "asked_as":
        problems.append(f"{where}: asked_as must be the last key of the front matter")
    title = str(data.get("title", "")).strip().casefold()
    for question in questions:
        if not isinstance(question, str) or not question.strip():
            problems.append(f"{where}: each asked_as entry must be a non-empty question (quote it)")
        elif question.strip().casefold() == title:
            problems.append(
                f"{where}: asked_as '{question.strip()}' repeats the title; ask it as a manager would"
            )
    if len({str(q).strip().casefold() for q in questions}) < len(questions):
        problems.append(f"{where}: asked_as lists the same question twice")
    return problems


def _goal_field_problems(path: Path, header: str, data: dict[str, Any], language: Language) -> list[str]:
    """One metric per lesson, and a goal on it that doing the task as written reaches (or reflective)."""
    metric, goal, reflective = data.get("metric"), data.get("goal"), data.get("reflective", False)
    if metric is None:
        return []
    allowed = REFLECTIVE_METRICS if reflective is True else GOAL_METRICS
    if metric not in allowed:
        where = f"{path}:{_line_of(header, 'metric')}"
        known = ", ".join(allowed)
        return [f"{where}: metric '{metric}' is not a count metric the CRM can check; use one of: {known}"]
    if reflective not in (True, False):
        return [f"{path}:{_line_of(header, 'reflective')}: reflective must be true (or left out)"]
    where = f"{path}:{_line_of(header, 'goal')}"
    if reflective or goal is None:
        if reflective and goal is not None:
            return [f"{where}: a reflective lesson has no goal; remove goal or reflective"]
        return [] if reflective else [f"{path}:2: missing 'goal' on {metric}, or mark it reflective: true"]
    problems = [f"{where}: {problem}" for problem in goal_problems(metric, goal)]
    practice, change = data.get("practice"), abs(goal.get("change", 0)) if not problems else 0
    if change and isinstance(practice, str) and not names_number(practice, change, language):
        problems.append(
            f"{path}:{_line_of(header, 'practice')}: the practice task must name how many it asks for "
            f"({change}, the goal's change), so doing it as written reaches the goal"
        )
    return problems


def names_number(text: str, number: int, language: Language) -> bool:
    """Whether `text` says `number`, in digits or as a word ("five", "fünf", "einen")."""
    words = _number_words()[language]
    pattern = rf"\b{number}\b"
    if number <= len(words):
        pattern += rf"|\b{re.escape(words[number - 1])}" + ("" if language == "de" else r"\b")
    return re.search(pattern, text, re.IGNORECASE) is not None


@cache
def _number_words() -> dict[str, list[str]]:
    with NUMBER_WORDS_FILE.open("rb") as handle:
        return {key: list(value) for key, value in tomllib.load(handle).items()}


def _trigger_problems(where: str, triggers: Any) -> list[str]:
    if triggers is None:
        return []
    if not isinstance(triggers, list) or not triggers:
        return [f"{where}: triggers must be a non-empty list of {{metric, comparison, value}}"]
    problems = []
    for trigger in triggers:
        if not isinstance(trigger, dict) or set(trigger) != {"metric", "comparison", "value"}:
            problems.append(f"{where}: each trigger needs exactly metric, comparison and value")
            continue
        problems += _condition_problems(where, trigger["metric"], trigger["comparison"], trigger["value"])
    return problems


def _condition_problems(where: str, metric: Any, comparison: Any, number: Any) -> list[str]:
    problems = []
    if metric not in METRICS:
        problems.append(f"{where}: unknown metric '{metric}' (known: {', '.join(METRICS)})")
    if comparison not in COMPARISONS:
        problems.append(f"{where}: comparison '{comparison}' must be one of {' '.join(COMPARISONS)}")
    if isinstance(number, bool) or not isinstance(number, int | float):
        problems.append(f"{where}: '{number}' is not a number")
    return problems


def coverage_problems(library: LessonLibrary) -> list[str]:
    """Enough lessons per language and per topic (checked by `crmcoach lessons check`, not at start-up)."""
    problems: list[str] = []
    for language in LANGUAGES:
        mine = library.in_language(language)
        if len(mine) < MIN_LESSONS_PER_LANGUAGE:
            problems.append(
                f"{language}: {len(mine)} lessons; at least {MIN_LESSONS_PER_LANGUAGE} are needed"
            )
        per_topic = Counter(lesson.topic for lesson in mine)
        problems += [
            f"{language}: topic '{topic}' has {per_topic[topic]} lessons; at least {MIN_LESSONS_PER_TOPIC}"
            for topic in TOPICS
            if per_topic[topic] < MIN_LESSONS_PER_TOPIC
        ]
        reflective = sum(lesson.reflective for lesson in mine)
        if reflective > MAX_REFLECTIVE_SHARE * len(mine):
            problems.append(
                f"{language}: {reflective} of {len(mine)} lessons are reflective; at most a fifth may be "
                "– give the others a goal the CRM can check"
            )
    return problems


def _pair_problems(lessons: list[Lesson]) -> list[str]:
    """English and German versions pair up and agree on everything but the words."""
    problems: list[str] = []
    by_key = {(lesson.language, lesson.id): lesson for lesson in lessons}
    for (language, lesson_id), lesson in sorted(by_key.items()):
        for other in LANGUAGES:
            twin = by_key.get((other, lesson_id))
            if twin is None:
                problems.append(f"{lesson.path}:1: no {other} version ({other}/{lesson_id}.md)")
            elif language < other:
                problems += [
                    f"{twin.path}:1: {field} differs from {lesson.path.name} ({language})"
                    for field in LANGUAGE_NEUTRAL
                    if getattr(lesson, field) != getattr(twin, field)
                ]
    return problems


def _goal(raw: Any) -> Goal | None:
    return None if raw is None else Goal(change=raw["change"], deadline_days=raw["deadline_days"])


def _conditions(raw: Any) -> tuple[Condition, ...]:
    return tuple(Condition(t["metric"], t["comparison"], float(t["value"])) for t in raw or [])


def _unwrap(body: str) -> str:
    """Authors wrap lines for readability; Slack would show every line break, so keep only paragraphs."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())


def _line_of(header: str, key: str) -> int:
    """1-based line of `key:` in the file (the front matter starts on line 2)."""
    for number, line in enumerate(header.splitlines(), start=2):
        if line.startswith(f"{key}:"):
            return number
    return 2
