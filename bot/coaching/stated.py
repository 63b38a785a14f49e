"""What each metric's sentence states, and which sentences an answer needs so it says nothing twice.

A sentence states the figures its message template fills in (prompts/messages/<lang>.toml): "You own
{own_open} open deals yourself, worth {own_value}; your whole team has {open}." states the manager's own
count and value and the team's count. Two metrics can share a sentence (own value and own count) or
state each other's figures (value and count, won and lost), so a list of asked metrics can repeat a
sentence, or a fact; these functions pick the sentences that state it once, in the asked order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from string import Formatter

from bot.coaching.metrics import SAME_AS
from bot.i18n import LANGUAGES, catalog

# The sentence that tells a metric best: a team count also gives its share; own ones their own.
SENTENCE_FOR = {**SAME_AS, "own_open_value": "own_open_deals"}
for _own in ("own_stale_deals", "own_deals_without_next_step", "own_overdue_close_dates"):
    SENTENCE_FOR[_own] = _own
# The placeholder of the metric sentences (numbers.stats_values) that holds each metric's own figure.
FIGURE_OF = {
    "open_deals": "open",
    "open_value": "value",
    "stale_deals": "stale",
    "stale_share": "stale_pct",
    "deals_without_next_step": "no_step",
    "no_next_step_share": "no_step_pct",
    "overdue_close_dates": "overdue",
    "overdue_share": "overdue_pct",
    "activities_7d_manager": "mine",
    "activities_7d_team": "team",
    "won_90d": "won",
    "lost_90d": "lost",
    "own_won_90d": "own_won",
    "own_lost_90d": "own_lost",
    "team_size": "team_size",
    "own_open_deals": "own_open",
    "own_open_value": "own_value",
    "own_stale_deals": "own_stale",
    "own_deals_without_next_step": "own_no_step",
    "own_overdue_close_dates": "own_overdue",
}


def sentence_key(metric: str) -> str:
    return f"metric_sentences.{SENTENCE_FOR.get(metric, metric)}"


@cache
def statements(metric: str) -> frozenset[str]:
    """The figures the sentence of `metric` states in every language and plural form (a figure one
    translation leaves out is not counted as stated); empty for a metric without a sentence."""
    key = sentence_key(metric)
    templates = [
        template
        for language in LANGUAGES
        for name, template in catalog(language).items()
        if name in (key, f"{key}.one", f"{key}.other")
    ]
    stated = [{field for _, field, _, _ in Formatter().parse(text) if field} for text in templates]
    return frozenset(set.intersection(*stated)) if stated else frozenset()


def told_once(metrics: Sequence[str]) -> list[str]:
    """The metrics whose sentences state every asked metric's figure once: a metric whose figure the
    others' sentences state is left out ("34 of your 52 open deals" tells the 52 open deals; the
    pipeline's value is told with its deal count and the count with its value)."""
    unique = list(dict.fromkeys(metrics))
    return _fewest(unique, {FIGURE_OF.get(metric, metric) for metric in unique})


def without_repeats(metrics: Sequence[str]) -> list[str]:
    """The metrics whose sentences state something the others' do not: a sentence that repeats one
    already told, or only figures the others state, is left out."""
    unique = list(dict.fromkeys(metrics))
    return _fewest(unique, set().union(*(statements(metric) for metric in unique)))


def _fewest(metrics: list[str], figures: Collection[str]) -> list[str]:
    """`metrics` less each one whose sentence states none of `figures` that the others' do not, the last
    first: of two sentences that state the same, the earlier stays, and the first always does (it leads
    the answer: it is the one the question names)."""
    kept = list(metrics)
    for metric in reversed(metrics[1:]):
        rest = [other for other in kept if other != metric]
        if statements(metric) & set(figures) <= set().union(*(statements(other) for other in rest)):
            kept = rest
    return kept
