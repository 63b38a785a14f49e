"""Query analysis: "1:1" survives, German compounds split into known parts, vocabulary concepts are shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.coaching.analysis import Analyzer
from bot.coaching.lessons import LESSONS_DIR
from bot.coaching.vocabulary import Vocabulary, VocabularyError

VOCABULARY = Vocabulary(
    concepts={
        "close-date": ("close date", "Abschlussdatum", "Schlusstermin"),
        "one-on-one": ("one-on-one", "1:1", "Einzelgespräch"),
    },
    topic_terms={},
    words={"de": ("Genauigkeit",)},
    keep={"en": ("own",)},
    drop={"en": ("next",)},
)
LESSON_TEXT = {
    "de": "Deine Prognose kommt aus dem CRM. Pflege das Abschlussdatum und die Felder im Einzelgespräch.",
    "en": "Your forecast comes from the CRM. Keep your own close date right in every one-on-one.",
}


def analyzer(language: str) -> Analyzer:
    return Analyzer(language, vocabulary=VOCABULARY, lexicon_texts=[LESSON_TEXT[language]])  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["en", "de"])
def test_one_to_one_is_a_token_and_every_way_to_say_it_is_the_same_concept(language: str) -> None:
    tokens = analyzer(language).analyze("Vor dem 1:1?" if language == "de" else "Before the 1:1?")

    assert "1:1" in tokens and "~one-on-one" in tokens
    assert "~one-on-one" in analyzer("en").analyze("How do I run a one-on-one?")
    assert "~one-on-one" in analyzer("de").analyze("Wie führe ich Einzelgespräche?")


def test_crm_field_names_in_either_language_meet_on_one_concept() -> None:
    german = analyzer("de")

    assert "~close-date" in german.analyze("Der Schlusstermin liegt in der Vergangenheit")
    assert "~close-date" in german.analyze("Die Close Dates sind alle falsch")
    assert "~close-date" in analyzer("en").analyze("Our close dates slipped")


def test_german_compounds_split_into_parts_the_library_knows() -> None:
    german = analyzer("de")

    assert german.compound_parts("Prognosegenauigkeit") == ("prognose", "genauigkeit")
    assert german.compound_parts("Abschlussdatumsfeld") == ("abschlussdatum", "feld")
    tokens = german.analyze("Unsere Prognosegenauigkeit ist schlecht")
    assert "prognos" in tokens  # the stem the lesson's "Prognose" has, so the lesson matches
    assert "~close-date" in german.analyze("Das Abschlussdatumsfeld ist leer")


def test_words_that_are_not_made_of_known_parts_stay_whole() -> None:
    german = analyzer("de")

    assert german.compound_parts("Beispiel") == ()
    assert german.compound_parts("Donaudampfschifffahrt") == ()
    assert german.compound_parts("1:1") == ()


def test_kept_stop_words_count_and_others_do_not() -> None:
    tokens = analyzer("en").analyze("How do I update my own deals?")

    assert "own" in tokens and "how" not in tokens and "my" not in tokens


def test_the_shipped_vocabulary_loads_and_covers_the_crm_field_names() -> None:
    vocabulary = Vocabulary.load()

    terms = {term.casefold() for terms in vocabulary.concepts.values() for term in terms}
    for term in (
        "close date",
        "abschlussdatum",
        "schlusstermin",
        "verkaufschance",
        "opportunity",
        "wiedervorlage",
        "follow-up",
        "besuchsbericht",
        "call report",
        "1:1",
        "einzelgespräch",
    ):
        assert term in terms


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("concepts:\n  one-on-one:\n    en: [1:1]\n", "quote terms like"),
        ("concepts:\n  Close Date:\n    en: [close date]\n", "concept name 'Close Date'"),
        ("concepts:\n  forecast:\n    fr: [prévision]\n", "must map en and/or de"),
        ("topics:\n  forecasts:\n    en: [guess]\n", "topic 'forecasts' is not one of"),
        ("synonyms: {}\n", "unknown section 'synonyms'"),
        ("concepts: [\n", "invalid YAML"),
    ],
)
def test_a_broken_vocabulary_file_says_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(VocabularyError) as error:
        Vocabulary.load(path)

    assert message in str(error.value) and str(path) in str(error.value)


def test_lessons_check_reports_a_broken_vocabulary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for language in ("en", "de"):
        (tmp_path / language).mkdir()
        for source in sorted((LESSONS_DIR / language).glob("*.md")):
            (tmp_path / language / source.name).write_text(source.read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "vocabulary.yaml").write_text("keep:\n  en: [no]\n", encoding="utf-8")

    code = main(["lessons", "check", "--dir", str(tmp_path)])

    assert code == 1
    assert 'quote terms like "1:1" or "no"' in capsys.readouterr().err


def test_a_german_question_with_a_split_verb_also_says_the_whole_verb() -> None:
    lesson = "Trag jeden Anruf im CRM ein. Eintragen dauert eine Minute."
    german = Analyzer("de", vocabulary=VOCABULARY, lexicon_texts=[lesson])

    assert "eintrag" in german.analyze_question("Mein Team trägt keine Anrufe ins CRM ein, was tun?")
    assert "eintrag" in german.analyze_question("Was trag ich als erstes ein?")
    # Without the particle at the end of a clause nothing is joined ("ein Anruf" is no verb).
    assert "eintrag" not in german.analyze_question("Ein Anruf, den keiner trägt.")


@pytest.mark.parametrize(
    ("language", "typo", "word"), [("en", "forcast", "forecast"), ("de", "Prognoose", "Prognose")]
)
def test_a_likely_typo_of_an_index_word_also_says_that_word(language: str, typo: str, word: str) -> None:
    tokens = analyzer(language).analyze(f"{typo}?")

    assert set(analyzer(language).analyze(word)) < set(tokens)


def test_short_or_real_words_are_not_taken_for_typos() -> None:
    english = analyzer("en")

    assert english.analyze("dat") == ["dat"]  # "date" is one edit away, but three letters say too little
    assert english.analyze("closet") == ["closet"]  # a real word one edit from "close" is no typo
