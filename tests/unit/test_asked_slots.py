"""Slots in prompts/coach/metric_terms.toml ("{kein_dialect} aktivität" written out once per dialect
word) and "n't" matched without its apostrophe: dialect and chat spellings read as the standard ones."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric
from bot.coaching.asked_terms import metric_terms, term_pattern
from bot.i18n import Language


def test_a_slot_is_written_out_once_per_word() -> None:
    stale = metric_terms()["families"]["stale"]["de"]
    assert {"koa aktivität", "ohne irgendane aktivität", "ohne jeden kundenkontakt"} <= set(stale)
    assert not any("{" in term and "{n}" not in term for term in stale)


def test_nt_matches_without_its_apostrophe() -> None:
    assert term_pattern("haven't moved", False, True).search(" loads havent moved since ")
    assert term_pattern("haven't moved", False, True).search(" loads haven't moved since ")


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("de", "hab meine eigenen Deals ogschaut, de seit Wochn koa Aktivität ham", "own_stale_deals"),
        ("de", "bei uns stehn 23 Chancen seit Wochn ohne irgendane Aktivität rum", "stale_deals"),
        ("de", "zwei Deals seit Monaten ohne jede Aktivität, wie räum ich das auf?", "stale_deals"),
        ("en", "a few of my own accounts havent had a single touch in 2 months", "own_stale_deals"),
        ("en", "deals that arent mine - loads havent moved since the show", "stale_deals"),
        # without a deal in the message, a week without activity is the rep's activities
        ("de", "mein Rep hat diese Woche koa Aktivität eingetragen, normal?", "activities_7d_team"),
    ],
)
def test_dialect_and_chat_spellings_read_as_the_standard_ones(
    language: Language, question: str, metric: str
) -> None:
    assert asked_metric(question, language) == metric
