"""Which language a question is written in: English, German, or not clear (then the profile decides).

A German question from a manager whose Slack profile is English is answered in German. Short questions
are hard for character statistics ("Pipeline Review wie?" looks English to them), so the words that only
one of the two languages uses (wie, ich, nicht / how, my, what) count as well.
"""

from __future__ import annotations

import re
from functools import cache

from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_GERMAN
from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

from bot.coaching.analysis import words
from bot.i18n import Language

LINGUA: dict[LinguaLanguage, Language] = {LinguaLanguage.ENGLISH: "en", LinguaLanguage.GERMAN: "de"}
# Function words of one language only ("in", "so", "was", "die" are both, or not reliable).
FUNCTION_WORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(STOPWORDS_EN_PLUS) - frozenset(STOPWORDS_GERMAN),
    "de": frozenset(STOPWORDS_GERMAN) - frozenset(STOPWORDS_EN_PLUS),
}
# The detector's confidence (0.5 = a coin toss between the two) from which it decides alone.
CLEAR_CONFIDENCE = 0.9
# Words of only one of the two languages outweigh the detector unless it is nearly certain otherwise:
# "Pipeline Review wie?" is German although two of its three words are English loanwords.
OVERRULE_CONFIDENCE = 0.97
# In a mixed text ("meine reps loggen keine calls, any idea"), the language with at least this many times
# the other's function words is the one the manager writes in; the other's words are borrowed phrases.
MAJORITY = 2
WORD = re.compile(r"\w+")


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LINGUA).with_preloaded_language_models().build()


def warm_up() -> None:
    """Loads the language models now (about a second) rather than on the first question."""
    _detector()


def detect_language(text: str) -> Language | None:
    """'de' or 'en' when the text is clearly written in it; None when it is too short or mixed to tell."""
    found = words(text)
    # one letter held down ("jjjjjjj") is a keystroke, not a word of either language
    if not any(word.isalpha() and len(set(word)) > 1 for word in found):
        return None
    confidence = {LINGUA[v.language]: v.value for v in _detector().compute_language_confidence_values(text)}
    german = sum(word in FUNCTION_WORDS["de"] for word in found)
    english = sum(word in FUNCTION_WORDS["en"] for word in found)
    if german and english:  # mixed: "für" in "Verein für Sport und Kultur" is a name's, not the writer's
        german, english = (_outside_names(text, FUNCTION_WORDS[language]) for language in ("de", "en"))
    if german >= max(1, MAJORITY * english) and confidence.get("en", 0.0) < OVERRULE_CONFIDENCE:
        return "de"
    if english >= max(1, MAJORITY * german) and confidence.get("de", 0.0) < OVERRULE_CONFIDENCE:
        return "en"
    best = max(confidence, key=lambda language: confidence[language], default=None)
    return best if best is not None and confidence[best] >= CLEAR_CONFIDENCE else None


def _outside_names(text: str, function_words: frozenset[str]) -> int:
    """How many of these function words stand outside a capitalised name ("Verein für Sport und Kultur")."""
    tokens = WORD.findall(text)
    return sum(
        token.lower() in function_words
        and not (0 < at < len(tokens) - 1 and tokens[at - 1][0].isupper() and tokens[at + 1][0].isupper())
        for at, token in enumerate(tokens)
    )


def answer_language(question: str, *, profile: Language) -> Language:
    """The question's language when it is clear, otherwise the one the manager's profile asks for."""
    return detect_language(question) or profile
