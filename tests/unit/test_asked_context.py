"""The asked metric in wordings of the dev misses' kinds (time without anything happening, field names,
follow-up appointments, value and win/loss sums), a figure stated as context beside the asked one, and
the own/team cues ("one rep", "just mine", "everywhere"), in English and German."""

from __future__ import annotations

import pytest

from bot.coaching.asked import read_all
from bot.i18n import Language


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("de", "Liste aller Deals, bei denen seit über 30 Tagen nix passiert ist", "stale_deals"),
        ("de", "Bei welchen Deals ist seit 30 Tagen nichts mehr passiert?", "stale_deals"),
        ("de", "Anzahl Deals, bei denen seit einem Monat niemand dran war", "stale_deals"),
        ("en", "list every deal where nothing has happened for over 30 days", "stale_deals"),
        ("en", "8 of my own deals haven't moved in weeks", "own_stale_deals"),
        ("en", "how many opportunities are sitting for 30+ days across my reps", "stale_deals"),
        ("en", "$ value of everything still open on the team", "open_value"),
        ("en", "sum of all open deal amounts for the team", "open_value"),
        ("de", "Summe aller noch offenen Beträge im Team", "open_value"),
        (
            "de",
            "bei wie vielen von meinen opps fehlt das feld nächster schritt",
            "own_deals_without_next_step",
        ),
        ("de", "wo ist das Close Date schon abgelaufen? Anzahl", "overdue_close_dates"),
        ("de", "Wie viele Deals im Team haben keinen Follow-up-Termin", "deals_without_next_step"),
        ("en", "deals without a follow-up appointment across my reps", "deals_without_next_step"),
        ("de", "Gewinn/Verlust-Bilanz der letzten drei Monate", "won_90d"),
        ("de", "Gewinne und Verluste der letzten 3 Monate", "won_90d"),
        ("en", "our win-loss tally this quarter", "won_90d"),
    ],
)
def test_wordings_name_the_metric(language: Language, question: str, metric: str) -> None:
    assert read_all(question, language)[0].metric == metric


@pytest.mark.parametrize(
    ("language", "question", "metrics"),
    [
        ("en", "I have 12 stale deals but how many are overdue", ["own_overdue_close_dates"]),
        ("en", "we have 15 stale deals; what's the value of everything open?", ["open_value"]),
        (
            "de",
            "Ich habe 12 Deals ohne nächsten Schritt, aber wie viele sind überfällig?",
            ["own_overdue_close_dates"],
        ),
        ("de", "Wir haben 15 Deals ohne Aktivität; wie hoch ist das offene Volumen?", ["open_value"]),
        # both asked, or a figure told with no other one asked: every named metric stays
        ("en", "how many of my deals are stale and overdue", ["own_stale_deals", "own_overdue_close_dates"]),
        ("en", "we have 30 deals without next step, what do I do", ["deals_without_next_step"]),
        ("en", "41 overdue close dates on my dashboard for weeks", ["overdue_close_dates"]),
    ],
)
def test_a_figure_stated_as_context_is_not_asked(
    language: Language, question: str, metrics: list[str]
) -> None:
    assert [reading.metric for reading in read_all(question, language)] == metrics


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "how many deals without a next step are too many for one rep?", "deals_without_next_step"),
        (
            "en",
            "how do I ask my team to fix close dates when mine are overdue too",
            "own_overdue_close_dates",
        ),
        ("en", "which of mine are overdue", "own_overdue_close_dates"),
        ("en", "stale deals - mine only, not the team's", "own_stale_deals"),
        ("en", "I have overdue close dates everywhere, help", "own_overdue_close_dates"),
        ("de", "Ich habe überall überfällige Abschlussdaten", "own_overdue_close_dates"),
        ("de", "überfällige Abschlussdaten – nur meine bitte", "own_overdue_close_dates"),
        ("de", "meine Leute lassen Deals liegen, wie viele sind es", "stale_deals"),
        ("de", "bei mir liegen viele Deals rum, was tun", "own_stale_deals"),
    ],
)
def test_own_or_team(language: Language, question: str, metric: str) -> None:
    assert read_all(question, language)[0].metric == metric
