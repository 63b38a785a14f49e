"""The words managers and CRMs use for the same thing, read from prompts/lessons/vocabulary.yaml.

Data, not code: synonyms and the field names HubSpot, Salesforce and Pipedrive show in English and
German live in that file, so a question that says "Schlusstermin" finds a lesson that says
"Abschlussdatum". Retrieval turns every term of a concept into one shared token (see analysis.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.coaching.lessons import LESSONS_DIR, SAFE_LOADER, TOPICS
from bot.i18n import LANGUAGES, Language

VOCABULARY_FILE = LESSONS_DIR / "vocabulary.yaml"
SECTIONS = ("concepts", "topics", "words", "keep", "drop")
CONCEPT_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class VocabularyError(ValueError):
    """The vocabulary file is invalid; `problems` say where and what."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    # concept name -> every way to say it, in any language (CRM users mix them: "die Close Date")
    concepts: dict[str, tuple[str, ...]]
    # topic -> language -> extra words that say a question is about that topic
    topic_terms: dict[str, dict[Language, tuple[str, ...]]]
    # language -> extra words the German compound splitter may use as parts (beside the lessons' words)
    words: dict[Language, tuple[str, ...]]
    # language -> stop words that carry meaning here ("own" deals, "no" next step, "selbst") and are kept
    keep: dict[Language, tuple[str, ...]]
    # language -> words that only mean something inside a concept ("next" step, not "next" month): dropped
    drop: dict[Language, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path = VOCABULARY_FILE) -> Vocabulary:
        if not path.exists():
            return cls(concepts={}, topic_terms={}, words={}, keep={}, drop={})
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}  # noqa: S506
        except yaml.YAMLError as exc:
            raise VocabularyError([f"{path}: invalid YAML ({exc})"]) from None
        if not isinstance(data, dict):
            raise VocabularyError([f"{path}: must be a mapping with {', '.join(SECTIONS)}"])
        problems = [
            f"{path}: unknown section '{key}' (allowed: {', '.join(SECTIONS)})"
            for key in data
            if key not in SECTIONS
        ]
        concepts = _concepts(path, data.get("concepts") or {}, problems)
        topic_terms = _topic_terms(path, data.get("topics") or {}, problems)
        words = _by_language(f"{path}: words", data.get("words") or {}, problems)
        keep = _by_language(f"{path}: keep", data.get("keep") or {}, problems)
        drop = _by_language(f"{path}: drop", data.get("drop") or {}, problems)
        if problems:
            raise VocabularyError(problems)
        return cls(concepts=concepts, topic_terms=topic_terms, words=words, keep=keep, drop=drop)

    def terms_for_topic(self, topic: str, language: Language) -> tuple[str, ...]:
        return self.topic_terms.get(topic, {}).get(language, ())


def vocabulary_problems(path: Path = VOCABULARY_FILE) -> list[str]:
    """What `crmcoach lessons check` reports about the vocabulary file (nothing when it is valid)."""
    try:
        Vocabulary.load(path)
    except VocabularyError as error:
        return error.problems
    return []


def _concepts(path: Path, raw: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        problems.append(f"{path}: concepts must map a name to its terms per language")
        return {}
    concepts: dict[str, tuple[str, ...]] = {}
    for name, by_language in raw.items():
        if not isinstance(name, str) or not CONCEPT_NAME.match(name):
            problems.append(f"{path}: concept name '{name}' may use a-z, 0-9 and single hyphens only")
            continue
        terms = _by_language(f"{path}: concept '{name}'", by_language, problems)
        concepts[name] = tuple(
            dict.fromkeys(term for language in LANGUAGES for term in terms.get(language, ()))
        )
    return concepts


def _topic_terms(path: Path, raw: Any, problems: list[str]) -> dict[str, dict[Language, tuple[str, ...]]]:
    if not isinstance(raw, dict):
        problems.append(f"{path}: topics must map a topic to its terms per language")
        return {}
    unknown = [topic for topic in raw if topic not in TOPICS]
    problems += [f"{path}: topic '{topic}' is not one of: {', '.join(TOPICS)}" for topic in unknown]
    return {
        topic: _by_language(f"{path}: topic '{topic}'", terms, problems)
        for topic, terms in raw.items()
        if topic in TOPICS
    }


def _by_language(where: str, raw: Any, problems: list[str]) -> dict[Language, tuple[str, ...]]:
    if not isinstance(raw, dict) or not set(raw) <= set(LANGUAGES):
        problems.append(f"{where}: must map {' and/or '.join(LANGUAGES)} to a list of terms")
        return {}
    result: dict[Language, tuple[str, ...]] = {}
    for language in LANGUAGES:
        terms = raw.get(language, [])
        if not isinstance(terms, list):
            problems.append(f"{where}: {language} must be a list of terms")
            continue
        wrong = [term for term in terms if not isinstance(term, str) or not term.strip()]
        if wrong:
            # YAML reads 1:1 as the number 61 and no/off as false: such terms need quotes.
            problems.append(
                f'{where}: {language} terms must be non-empty text; quote terms like "1:1" or "no"'
                f" (read as {wrong!r})"
            )
            continue
        result[language] = tuple(term.strip() for term in terms)
    return result
