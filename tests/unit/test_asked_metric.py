"""Which metric a question names, own or team, in English and German (prompts/coach/metric_terms.toml)."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric
from bot.i18n import Language


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "half my deals have no next step, what do I do", "deals_without_next_step"),
        ("en", "12 of my own deals have no next step", "own_deals_without_next_step"),
        ("en", "how many of MY deals are overdue", "own_overdue_close_dates"),
        ("en", "our pipeline is full of stale deals nobody touched in weeks", "stale_deals"),
        ("en", "I barely logged anything myself this week", "activities_7d_manager"),
        ("en", "my reps log hardly any activities", "activities_7d_team"),
        ("en", "how many deals did we lose this quarter", "lost_90d"),
        ("en", "what's our total pipeline value", "open_value"),
        ("en", "how do I run a good one-on-one?", None),
        ("de", "bei der Hälfte unserer Deals fehlt der nächste Schritt", "deals_without_next_step"),
        ("de", "keine Wiedervorlage bei meinen eigenen Deals", "own_deals_without_next_step"),
        (
            "de",
            "5 meiner eigenen Opportunities sind überfällig, bevor ich es dem Team sage",
            "own_overdue_close_dates",
        ),
        ("de", "viele eingeschlafene Deals im Team", "stale_deals"),
        ("de", "hab ich selbst genug Kundenaktivitäten erfasst?", "activities_7d_manager"),
        ("de", "wie viele offene Deals hab ich", "own_open_deals"),
        ("de", "wie leite ich ein gutes Einzelgespräch?", None),
        # a record named after a metric's word is no count: nothing to quote or set a goal on
        ("en", "what can I read from a rep's activity timeline before a 1:1", None),
        ("de", "was sagt mir der Aktivitätsverlauf eines Deals?", None),
        ("de", "als Teamleiter hab ich selber kaum Aktivitäten erfasst", "activities_7d_manager"),
        # word families: plurals and participles, separable verbs, time without contact, "bei uns/mir"
        ("de", "die Abschlussdaten sind bei uns oft überschritten", "overdue_close_dates"),
        ("de", "bei mir sind drei Schlusstermine überschritten", "own_overdue_close_dates"),
        ("de", "die Kollegen tragen keine Telefonate ein", "activities_7d_team"),
        ("de", "manche Chancen liegen im Team seit Wochen rum", "stale_deals"),
        ("en", "I forgot to touch half of my own deals for weeks", "own_stale_deals"),
        ("en", "how do I get my team to keep close dates realistic", "overdue_close_dates"),
        ("en", "show me my deals without a next step", "own_deals_without_next_step"),
        ("de", "zeig mir meine überfälligen Deals", "own_overdue_close_dates"),
        ("en", "half of my own accounts aren't in the crm at all", "own_open_deals"),
        ("de", "die Hälfte der Kunden vom Team ist nicht im CRM", "open_deals"),
    ],
)
def test_the_metric_the_question_names(language: Language, question: str, metric: str | None) -> None:
    assert asked_metric(question, language) == metric
