"""Whether a question naming the won/lost family asks for the lost count or the won count, from the
[lost_words] and [won_words] of prompts/coach/metric_terms.toml."""

from __future__ import annotations

from bot.coaching.asked_terms import COMPOUNDING, metric_terms, term_pattern
from bot.i18n import LANGUAGES


def lost_first(text: str, words: dict[str, list[str]]) -> bool:
    """A lost word names the lost count unless a won word comes first ("won and lost last 90 days") or a
    term names both ("win/loss")."""
    lost_words = metric_terms()["lost_words"]
    losing = {word for lang in LANGUAGES for word in lost_words[lang]}
    winning = {word for lang in LANGUAGES for word in metric_terms()["won_words"][lang]}
    both = {lang: [w for w in words[lang] if _holds(w, losing) and _holds(w, winning)] for lang in words}
    if _earliest(text, both) is not None:
        return False
    won_words = {lang: [w for w in words[lang] if not any(lost in w for lost in losing)] for lang in words}
    lost_at, won_at = _earliest(text, lost_words), _earliest(text, won_words)
    return lost_at is not None and (won_at is None or lost_at < won_at)


def _holds(term: str, stems: set[str]) -> bool:
    """Whether a word of the term starts with one of the stems ("closed won" holds no "lose")."""
    return any(term_pattern(stem, False, False).search(term) for stem in stems)


def _earliest(text: str, words: dict[str, list[str]]) -> int | None:
    hits = (
        term_pattern(word, lang in COMPOUNDING, True).search(text) for lang in words for word in words[lang]
    )
    return min((hit.start() for hit in hits if hit), default=None)
