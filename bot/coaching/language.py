"""Which language a question is written in: English, German, or not clear (then the profile decides).

A German question from a manager whose Slack profile is English is answered in German. Short questions
are hard for character statistics ("Pipeline Review wie?" looks English to them), so the words that only
one of the two languages uses (wie, ich, nicht / how, my, what) count as well.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache

from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_GERMAN
from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

from bot.coaching.analysis import words
from bot.i18n import Language
from bot.paths import PROMPTS_DIR

LINGUA: dict[LinguaLanguage, Language] = {LinguaLanguage.ENGLISH: "en", LinguaLanguage.GERMAN: "de"}
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _without_umlauts(found: frozenset[str]) -> frozenset[str]:
    """Each word also as typed on a keyboard without umlauts ("für" as "fuer", "können" as "koennen")."""
    return found | frozenset(word.translate(UMLAUTS) for word in found)


@cache
def _language_terms() -> dict[str, dict[str, list[str]]]:
    with (PROMPTS_DIR / "language.toml").open("rb") as handle:
        return tomllib.load(handle)


def _german(key: str) -> frozenset[str]:
    return frozenset(str(word) for word in _language_terms()["de"][key])


# Function words of one language only ("in", "so", "was", "die" are both, or not reliable).
FUNCTION_WORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(STOPWORDS_EN_PLUS) - frozenset(STOPWORDS_GERMAN),
    "de": _without_umlauts(frozenset(STOPWORDS_GERMAN) - frozenset(STOPWORDS_EN_PLUS)),
}
# Words of German only that the stopword lists lack (chat German: "vllt", "gibts", "bissl"); they count
# like function words, but alone they do not make a clause German ("new grad" is English).
MARKERS: dict[Language, frozenset[str]] = {
    "en": FUNCTION_WORDS["en"],
    "de": FUNCTION_WORDS["de"] | (_without_umlauts(_german("words")) - FUNCTION_WORDS["en"]),
}
# German function words that alone make a clause German (not "die" in "die hard customers").
CLAUSE_WORDS = FUNCTION_WORDS["de"] - _german("homographs")
# With this many function words of one language and none of the other, the text is in that language
# whatever the detector makes of its nouns ("I need a Zusammenfassung of my pipeline").
ONE_SIDED = 3
# The detector's confidence (0.5 = a coin toss between the two) from which it decides alone.
CLEAR_CONFIDENCE = 0.9
# Words of only one of the two languages outweigh the detector unless it is nearly certain otherwise:
# "Pipeline Review wie?" is German although two of its three words are English loanwords.
OVERRULE_CONFIDENCE = 0.97
# In a mixed text ("meine reps loggen keine calls, any idea"), the language with at least this many times
# the other's function words is the one the manager writes in; the other's words are borrowed phrases.
MAJORITY = 2
WORD = re.compile(r"\w+")
# A quotation is someone else's words ('the customer said "das ist zu teuer"'), not the writer's language.
QUOTED = re.compile(r"[\"“„«»][^\"“”„«»]*[\"”“«»]|(?<!\w)'[^']+'(?!\w)")
# Clauses end at these marks; "meine leute loggen nix. any ideas?" is a German clause, then an English one.
CLAUSE_END = re.compile(r"[.,;:!?()\n]+|\s[-–—]\s")


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
    own = QUOTED.sub(" ", text)
    if any(word.isalpha() for word in words(own)):
        text, found = own, words(own)
    confidence = {LINGUA[v.language]: v.value for v in _detector().compute_language_confidence_values(text)}
    german = sum(word in MARKERS["de"] for word in found)
    english = sum(word in MARKERS["en"] for word in found)
    if german and english:  # mixed: "für" in "Verein für Sport und Kultur" is a name's, not the writer's
        german, english = (_outside_names(text, MARKERS[language]) for language in ("de", "en"))
        # German managers switch to English mid-message ("ich hab keine ahnung, what should I do");
        # a German clause of their own is the writer's language, the English one a borrowed phrase.
        if _has_german_clause(text):
            return "de"
    if german >= max(1, MAJORITY * english) and (
        (english == 0 and german >= ONE_SIDED) or confidence.get("en", 0.0) < OVERRULE_CONFIDENCE
    ):
        return "de"
    if english >= max(1, MAJORITY * german) and (
        (german == 0 and english >= ONE_SIDED) or confidence.get("de", 0.0) < OVERRULE_CONFIDENCE
    ):
        return "en"
    best = max(confidence, key=lambda language: confidence[language], default=None)
    return best if best is not None and confidence[best] >= CLEAR_CONFIDENCE else None


def _has_german_clause(text: str) -> bool:
    """A clause of two or more words with no English function word, with a German one of its own or two
    German chat words ("ich brauch hilfe", "wie geht das"; not "new grad" or a name)."""
    for clause in CLAUSE_END.split(text):
        found = words(clause)
        if len(found) < 2 or any(word in MARKERS["en"] for word in found):
            continue
        if _outside_names(clause, CLAUSE_WORDS) or _outside_names(clause, MARKERS["de"]) >= 2:
            return True
    return False


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
