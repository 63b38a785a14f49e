"""The asker's numbers and goals as sentences and as data: one metric told honestly, own or team.

The same facts feed the offline answer, the LLM prompt, `crmcoach ask --json` and the scheduled
messages, so every surface quotes the same number and sets the same goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.coaching.asked import family_of
from bot.coaching.goals import GoalPlan, Scope, plan_goal, scope_of
from bot.coaching.lessons import Lesson
from bot.coaching.metrics import metric_value
from bot.coaching.pipeline_value import pipeline_value, pipeline_value_text
from bot.coaching.stated import sentence_key, told_once, without_repeats
from bot.crm.base import AttentionDeal, AttentionReason, CurrencyTotal, ManagerStats
from bot.formatting import format_int
from bot.i18n import Language, t, tn

MAX_NUMBER_SENTENCES = 2
# Metrics whose sentence reads "x of your y open deals": y is the denominator ("of") of the fact.
OF_OPEN_DEALS = {
    "stale_deals": "open_deals",
    "deals_without_next_step": "open_deals",
    "overdue_close_dates": "open_deals",
    "own_stale_deals": "own_open_deals",
    "own_deals_without_next_step": "own_open_deals",
    "own_overdue_close_dates": "own_open_deals",
}
# The metric families that are a problem of single deals: their deals can be listed.
PROBLEM_REASONS: dict[str, AttentionReason] = {
    "stale": "stale",
    "no_next_step": "no_next_step",
    "overdue": "overdue",
}
# Which count decides singular or plural in a metric's sentence (a value's sentence counts deals).
COUNTED_BY = {"open_value": "open_deals", "own_open_value": "own_open_deals"}


@dataclass(frozen=True, slots=True)
class Grounding:
    """What an answer states about the asker's numbers: the same for the offline answer and the LLM."""

    numbers: tuple[NumberFact, ...]  # first: the metric the question names, else the lesson's
    goal: GoalPlan | None  # the lesson's goal for the asker's starting number


def ground(lesson: Lesson, stats: ManagerStats | None, *, asked: str | None = None) -> Grounding:
    if stats is None:
        return Grounding((), None)
    return Grounding(number_facts(grounded_metrics(lesson, asked), stats), lesson_goal(lesson, stats))


def grounded_metrics(lesson: Lesson, asked: str | None) -> list[str]:
    """The asked metric (when the question names one), then the lesson's unless the first's sentence
    already states its figure."""
    return told_once(([asked] if asked else []) + [lesson.metric])


@dataclass(frozen=True, slots=True)
class NumberFact:
    """One number the answer states: the metric, its value and, for 'x of y' statements, y."""

    metric: str  # e.g. own_deals_without_next_step
    value: float
    of: int | None
    # A pipeline value's currency (`value` sums only its deals) and the other currencies' open deals,
    # which are never added to it; None and () for every other metric.
    currency: str | None = None
    others: tuple[CurrencyTotal, ...] = ()
    # The pipeline stage (its label) the count or value is of; None for the whole pipeline.
    stage: str | None = None

    @property
    def name(self) -> str:
        return scope_of(self.metric)[0]

    @property
    def scope(self) -> Scope:
        return scope_of(self.metric)[1]


def number_facts(
    metrics: list[str], stats: ManagerStats, *, limit: int = MAX_NUMBER_SENTENCES
) -> tuple[NumberFact, ...]:
    chosen = without_repeats(metrics)[:limit]  # no sentence told twice, on any surface
    others = {"open_value": stats.other_open_values, "own_open_value": stats.own_other_open_values}
    return tuple(
        NumberFact(
            metric=metric,
            value=metric_value(stats, metric),
            of=int(metric_value(stats, OF_OPEN_DEALS[metric])) if metric in OF_OPEN_DEALS else None,
            currency=stats.currency if metric in others else None,
            others=others.get(metric, ()),
        )
        for metric in chosen
    )


def asked_deals(stats: ManagerStats, asked: list[str]) -> tuple[AttentionDeal, ...] | None:
    """The deals worth a look that show what was asked: those with an asked problem (stale, no next
    step, overdue), only the manager's own when the question is about their own deals; None when no
    problem of single deals is asked (a count or a value)."""
    reasons = {PROBLEM_REASONS[f] for m in asked if (f := family_of(m) or "") in PROBLEM_REASONS}
    if not reasons:
        return None
    own = any(scope_of(m)[1] == "own" for m in asked if family_of(m) in PROBLEM_REASONS)
    deals = own_deals(stats) if own else stats.attention
    return tuple(deal for deal in deals if reasons.intersection(deal.reasons))


def own_deals(stats: ManagerStats) -> tuple[AttentionDeal, ...]:
    """The deals worth a look that the manager owns, told by owner id (a rep may share the manager's
    name); none from stats stored before deals kept their owner's id."""
    return tuple(deal for deal in stats.attention if deal.owner_id == stats.owner.crm_id)


def asked_problem_count(stats: ManagerStats, asked: list[str]) -> int:
    """How many deals have the asked problem (the largest count when several are asked)."""
    counts = [int(metric_value(stats, m)) for m in asked if m in OF_OPEN_DEALS]
    return max(counts, default=0)


def lesson_goal(lesson: Lesson, stats: ManagerStats | None) -> GoalPlan | None:
    """The lesson's goal for these numbers; None without numbers, for a reflective lesson, or when the
    goal would already be met at the start (then the lesson is not offered)."""
    if stats is None or lesson.goal is None:
        return None
    return plan_goal(lesson.metric, lesson.goal, metric_value(stats, lesson.metric))


def offerable(lesson: Lesson, stats: ManagerStats | None) -> bool:
    """A lesson with a goal is offered only when doing its task can still change the number."""
    return stats is None or lesson.goal is None or lesson_goal(lesson, stats) is not None


def stated_figures(fact: NumberFact, stats: ManagerStats) -> tuple[float | Decimal, ...]:
    """The figures the fact's sentence states. A pipeline value's: each listed other currency's total,
    and the main currency's unless no deal is in it or it is a 0 beside them (deals without an amount:
    a reply need not say "€0")."""
    if fact.currency is None:
        return (fact.value,)
    value = pipeline_value(stats, own=fact.scope == "own")
    others = [total.amount for total in value.listed]
    main = [] if value.main is None or (value.main == 0 and others) else [value.main]
    return (*main, *others)


def fact_sentences(facts: tuple[NumberFact, ...], stats: ManagerStats, language: Language) -> list[str]:
    return [metric_sentence(fact.metric, stats, language) for fact in facts]


def metric_sentence(metric: str, stats: ManagerStats, language: Language) -> str:
    """The sentence that states `metric` for these numbers, in the right singular or plural."""
    count = metric_value(stats, COUNTED_BY.get(metric, metric))
    return tn(language, sentence_key(metric), count, **stats_values(stats, language))


def number_sentences(
    lesson: Lesson, stats: ManagerStats, language: Language, *, asked: str | None = None
) -> list[str]:
    """The asked metric's number first (when the question names one), then the lesson's metric."""
    return fact_sentences(number_facts(grounded_metrics(lesson, asked), stats), stats, language)


def goal_sentence(plan: GoalPlan, language: Language, *, stale_days: int = 14) -> str:
    """'Goal: from 31 to at most 26 deals without a next step in your team within 14 days.'"""
    return t(
        language,
        "goal.sentence",
        start=format_int(int(plan.start), language),
        target=format_int(int(plan.target), language),
        comparison=t(language, "comparisons.<=" if plan.decreasing else "comparisons.>="),
        unit=goal_unit(plan.metric, plan.target, language, stale_days=stale_days),
        days=tn(language, "goal.days", plan.days, count=format_int(plan.days, language)),
    )


def goal_unit(metric: str, count: float, language: Language, *, stale_days: int = 14) -> str:
    return tn(language, f"goal.units.{metric}", count, days=format_int(stale_days, language))


def stats_values(stats: ManagerStats, language: Language) -> dict[str, str]:
    def n(value: int) -> str:
        return format_int(value, language)

    def pct(part: int) -> str:
        share = format_int(Decimal(100 * part) / stats.open_deals, language) if stats.open_deals else "0"
        return f"{share} %" if language == "de" else f"{share}%"

    return {
        "open": n(stats.open_deals),
        "value": pipeline_value_text(stats, language),
        "stale": n(stats.stale_deals),
        "no_step": n(stats.deals_without_next_step),
        "overdue": n(stats.overdue_close_dates),
        "mine": n(stats.activities_7d_manager),
        "team": n(stats.activities_7d_team),
        "won": n(stats.won_90d),
        "lost": n(stats.lost_90d),
        "team_size": n(stats.team_size),
        "days": n(stats.stale_days),
        "stale_pct": pct(stats.stale_deals),
        "no_step_pct": pct(stats.deals_without_next_step),
        "overdue_pct": pct(stats.overdue_close_dates),
        "own_open": n(stats.own_open_deals),
        "own_value": pipeline_value_text(stats, language, own=True),
        "own_stale": n(stats.own_stale_deals),
        "own_no_step": n(stats.own_deals_without_next_step),
        "own_overdue": n(stats.own_overdue_close_dates),
        "own_won": n(stats.own_won_90d),
        "own_lost": n(stats.own_lost_90d),
    }
