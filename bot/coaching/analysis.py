"""Turns a question or a lesson into search tokens: words, German compound parts and shared concepts.

The same analysis runs on lessons and questions, so both meet on the same tokens:
- "1:1" stays one token (a plain word tokenizer drops it);
- German compounds are split into parts the library knows ("Prognosegenauigkeit" -> prognose, genauigkeit),
  with the linking letters German puts between them (Verkauf-s-chance);
- every term of a vocabulary concept adds the concept's token, so "Schlusstermin", "close date" and
  "Abschlussdatum" all say ~close-date;
- a German separable verb is joined again ("trägt die Anrufe nicht ein" also says eintragen);
- a likely typo of an index word ("pipline", "embarassing") also says that word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_GERMAN

from bot.coaching.spelling import Dictionaries
from bot.coaching.vocabulary import Vocabulary
from bot.i18n import Language

STEMMER_NAMES: dict[Language, str] = {"en": "english", "de": "german"}
# bm25s' plain English list has 33 words; "en_plus" also drops how/my/do…, which otherwise dominate.
STOPWORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(STOPWORDS_EN_PLUS),
    "de": frozenset(STOPWORDS_GERMAN),
}
# Ratios like 1:1 or 4:1 are words here; otherwise runs of letters and digits.
WORD = re.compile(r"\d+:\d+|[^\W_]+")
CONCEPT_PREFIX = "~"
# Compound parts shorter than this are not trusted ("bei" in "Beispiel").
MIN_PART = 4
# Fugenelemente: the letters German inserts between the parts of a compound.
LINKS = ("", "s", "es", "n", "en", "e", "er")
SPLIT_LANGUAGES: frozenset[Language] = frozenset({"de"})
# German moves a verb's particle to the end of the clause ("trägt ... ein" = eintragen); the verb stem
# in the index is the particle glued to the front, less the inflection ("einträg-t" -> eintrag).
PARTICLES = frozenset(
    {
        *("ab", "an", "auf", "aus", "bei", "durch", "ein", "fest", "mit", "nach", "raus", "rein", "vor"),
        *("weg", "weiter", "zu", "zurück", "zusammen"),
    }
)
INFLECTIONS = ("t", "st", "en", "e", "")
CLAUSE = re.compile(r"[,.;:!?()\n]+|\s(?:und|oder|aber|weil|dass|wenn|damit|ob)\s")
# Shorter words have too many neighbours one edit away to guess which one a typo meant.
MIN_TYPO = 6
# What Analyzer._attach() makes again after loading rather than pickling.
UNPICKLED = frozenset({"_stemmer", "_split", "_typo"})


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


class Analyzer:
    """Built once per language from the lessons' own words and the vocabulary; analyze() is pure."""

    def __init__(
        self,
        language: Language,
        *,
        vocabulary: Vocabulary,
        lexicon_texts: Iterable[str],
        dictionaries: Dictionaries | None = None,
    ) -> None:
        self.language = language
        self._dictionaries = dictionaries or Dictionaries.load()
        self._attach()
        keep = {word.lower() for word in vocabulary.keep.get(language, ())}
        drop = {word.lower() for word in vocabulary.drop.get(language, ())}
        self.stopwords = (STOPWORDS[language] - keep) | drop
        self._concepts: dict[tuple[str, ...], str] = {}
        for name, terms in vocabulary.concepts.items():
            for term in terms:
                stems = tuple(self._stemmer.stemWords(words(term)))
                if stems:
                    self._concepts.setdefault(stems, CONCEPT_PREFIX + name)
        # The longest concept starting with each stem: most words start none, and are skipped at once.
        self._longest_from: dict[str, int] = {}
        for stems in self._concepts:
            self._longest_from[stems[0]] = max(len(stems), self._longest_from.get(stems[0], 0))
        known = [word for text in lexicon_texts for word in words(text)]
        known += [word for term in vocabulary.words.get(language, ()) for word in words(term)]
        known += [word for terms in vocabulary.concepts.values() for term in terms for word in words(term)]
        self._lexicon = frozenset(w for w in known if len(w) >= MIN_PART and not w.isdigit())
        self._lexicon_stems = frozenset(self._stemmer.stemWords(list(self._lexicon)))

    def _attach(self) -> None:
        """The stemmer and the memos: made anew for a loaded analyzer (a C object and caches of bound
        methods cannot be pickled; the built coach is cached on disk, see coach_cache.py)."""
        self._stemmer = Stemmer.Stemmer(STEMMER_NAMES[self.language])
        self._split = lru_cache(maxsize=4096)(self._split_uncached)
        self._typo = lru_cache(maxsize=4096)(self._typo_uncached)

    def __getstate__(self) -> dict[str, object]:
        return {name: value for name, value in vars(self).items() if name not in UNPICKLED}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._attach()

    def analyze_question(self, text: str) -> list[str]:
        """analyze(), and the verbs a German question splits ("trägt ... ein"): lessons say what to do
        with the whole verb (eintragen), and questions tell what happens with the split one."""
        joined = self._separable_verbs(text) if self.language in SPLIT_LANGUAGES else []
        return self.analyze(text) + joined

    def analyze(self, text: str) -> list[str]:
        """Stemmed content words, their compound parts, then the concepts the text mentions."""
        found = words(text)
        stems = self._stemmer.stemWords(found)
        tokens: list[str] = []
        part_concepts: list[str] = []
        for word, stem in zip(found, stems, strict=True):
            if word in self.stopwords or (len(word) < 2 and not word.isdigit()):
                continue
            tokens.append(stem)
            splits = self.language in SPLIT_LANGUAGES
            parts = self._stemmer.stemWords(list(self._split(word))) if splits else []
            tokens += parts
            # "Abschlussdatumsfeld" mentions a close date although no word of it is "Abschlussdatum";
            # a compound that is a term itself ("Besuchsbericht") is not also its parts ("Bericht").
            if (stem,) not in self._concepts:
                part_concepts += [c for part in parts if (c := self._concepts.get((part,))) is not None]
            if not parts and (meant := self._typo(word)) is not None:
                tokens.append(meant)
        return tokens + self._concept_tokens(stems) + part_concepts

    def _separable_verbs(self, text: str) -> list[str]:
        """Stems of verbs whose particle ends the clause, when the index knows the joined verb."""
        joined: list[str] = []
        for clause in CLAUSE.split(text.lower()):
            found = words(clause)
            if len(found) < 2 or found[-1] not in PARTICLES:
                continue
            for word in found[:-1]:
                for ending in INFLECTIONS:
                    if ending and not word.endswith(ending):
                        continue
                    stem = self._stemmer.stemWord(found[-1] + word[: len(word) - len(ending)])
                    if stem in self._lexicon_stems:
                        joined.append(stem)
                        break
        return joined

    def _typo_uncached(self, word: str) -> str | None:
        """The stem of the index word one edit away from an unknown word, when there is exactly one."""
        if len(word) < MIN_TYPO or not word.isalpha() or word in self._lexicon:
            return None
        stem = self._stemmer.stemWord(word)
        if stem in self._lexicon_stems or self._dictionaries.known(word):
            return None
        near = {edit for edit in self._dictionaries.single_edits(word) if edit in self._lexicon}
        stems = set(self._stemmer.stemWords(sorted(near)))
        return stems.pop() if len(stems) == 1 else None

    def compound_parts(self, word: str) -> tuple[str, ...]:
        """The known parts of a German compound, or () when it is not one we can split."""
        return self._split(word.lower())

    def _concept_tokens(self, stems: list[str]) -> list[str]:
        found: list[str] = []
        for start, stem in enumerate(stems):
            for length in range(1, min(self._longest_from.get(stem, 0), len(stems) - start) + 1):
                concept = self._concepts.get(tuple(stems[start : start + length]))
                if concept is not None:
                    found.append(concept)
        return found

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        if len(word) < 2 * MIN_PART or not word.isalpha():
            return ()
        parts = self._parts(word, 0, {})
        return tuple(parts) if parts and len(parts) > 1 else ()

    def _parts(self, word: str, start: int, memo: dict[int, list[str] | None]) -> list[str] | None:
        """Fewest known parts that make up word[start:], allowing a linking letter between parts."""
        if start in memo:
            return memo[start]
        rest = word[start:]
        best: list[str] | None = [rest] if start > 0 and self._known(rest) else None
        # Longest first part first: German puts the head last, and a modifier may be a compound itself.
        for end in range(len(word) - MIN_PART, start + MIN_PART - 1, -1):
            head = word[start:end]
            if head not in self._lexicon:
                continue
            for link in LINKS:
                if word.startswith(link, end) and end + len(link) < len(word):
                    tail = self._parts(word, end + len(link), memo)
                    if tail is not None and (best is None or len(tail) + 1 < len(best)):
                        best = [head, *tail]
        memo[start] = best
        return best

    def _known(self, part: str) -> bool:
        # The last part carries the inflection ("-werte", "-termine"): its stem may be what the library knows.
        return len(part) >= MIN_PART and (
            part in self._lexicon or self._stemmer.stemWord(part) in self._lexicon_stems
        )
