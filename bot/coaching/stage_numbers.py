"""Open deals per pipeline stage as a numbers answer: "pipeline by stage", „Deals pro Phase“, or one
stage by its name ("how many deals are in Negotiation?", „wie viele Deals sind in der Angebotsphase?“).

A stage is named by the manager's own stage labels (from their CRM, in ManagerStats) with a stage cue
(bot/coaching/stage_named.py); the breakdown by the terms in prompts/coach/metric_terms.toml
([requests.by_stage]).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.coaching.asked import family_of, question_scope, request_term
from bot.coaching.coach import CoachAnswer
from bot.coaching.numbers import NumberFact, metric_sentence, number_facts
from bot.coaching.stage_named import named_stages
from bot.coaching.stated import told_once
from bot.crm.base import ManagerStats, StageTotal
from bot.formatting import format_int, format_money
from bot.i18n import Language, t, tn

log = logging.getLogger(__name__)

# Lines one answer lists (a Slack section holds 3,000 characters): beyond it, stages without deals
# go first, then the rest is named by number.
MAX_STAGE_LINES = 25
# What a stage line states already: the question's open-deal count or value is not told again.
STAGE_FAMILIES = {"open_deals", "open_value"}
# The stage of the open deals in none, in the numbers an answer states (`crmcoach ask --json`): no label
# a CRM gives, and the same in every language.
NO_STAGE = ""


@dataclass(frozen=True, slots=True)
class StageAsk:
    """A question for open deals by stage: the stages it names (pipeline order), none for every stage;
    whose; the words that decided it (for the log); and whether it asks for the deals in no stage alone."""

    labels: tuple[str, ...]
    own: bool
    term: str
    no_stage: bool = False


def read_stages(question: str, language: Language, stats: ManagerStats) -> StageAsk | None:
    """The stages a numbers question asks about, or None when it asks for no stage."""
    named = named_stages(question, [total.stage for total in stats.open_by_stage])
    changed = request_term(question, "stage_change")  # "had no stage change": stale, not stageless
    no_stage = None if named or changed else request_term(question, "no_stage")
    term = ", ".join(named) or no_stage or request_term(question, "by_stage")
    if term is None:
        return None
    own, _ = question_scope(question, language)
    return StageAsk(labels=named, own=own, term=term, no_stage=no_stage is not None)


def stages_answer(
    *,
    stats: ManagerStats,
    language: Language,
    ask: StageAsk,
    named: Sequence[str],
    overview: Callable[[Sequence[str]], CoachAnswer],
    notes: Sequence[str] = (),
) -> CoachAnswer:
    """Each asked stage (or every stage) with its open deals and their value, then any other number
    the question names; `notes` (whose figures these are) come first, under the title. Numbers
    without stages (a CRM or stored stats without them) get the `overview` with these notes and a
    line saying so."""
    totals = stats.own_open_by_stage if ask.own else stats.open_by_stage
    if not totals:
        missing = "stages_unread" if stats.stage_names_unread else "stages_none"
        fallback = overview([*notes, t(language, f"kinds.{missing}", crm=stats.source)])
        return CoachAnswer(
            text=fallback.text,
            lessons=(),
            source=fallback.source,
            language=language,
            numbers=fallback.numbers,
            quoted=fallback.quoted,
        )
    shown = [total for total in totals if not ask.no_stage and (not ask.labels or total.stage in ask.labels)]
    if len(shown) > MAX_STAGE_LINES:
        shown = [total for total in shown if total.deals]
    hidden = shown[MAX_STAGE_LINES:]
    shown = shown[:MAX_STAGE_LINES]
    # every stage listed: the open deals in none (no stage in the CRM or the CSV export) are said too
    unstaged = None if ask.labels else _unstaged(stats, totals, own=ask.own)
    if ask.no_stage and unstaged is None:  # asked for: said, also when there are none
        unstaged = StageTotal(NO_STAGE, 0, Decimal(0))
    others = [m for m in told_once(named) if family_of(m) not in STAGE_FAMILIES]
    foreign = stats.own_other_open_values if ask.own else stats.other_open_values
    scope = "own" if ask.own else "team"
    parts = [
        t(language, "kinds.numbers_title", crm=stats.source),
        *notes,
        t(language, f"kinds.stages_title_{scope}")
        + "\n"
        + "\n".join(
            [
                *(_line(total, stats.currency, language) for total in shown),
                *([_line(_no_stage_line(unstaged, language), stats.currency, language)] if unstaged else []),
                *([_more_line(hidden, stats.source, language)] if hidden else []),
            ]
        ),
    ]
    if foreign:
        parts.append(t(language, "kinds.stages_other_currencies", currency=stats.currency))
    if others:
        parts.append("\n".join("• " + metric_sentence(metric, stats, language) for metric in others))
    when = stats.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
    parts.append("_" + t(language, "kinds.numbers_footer", crm=stats.source, when=when) + "_")
    return CoachAnswer(
        text="\n\n".join(parts),
        lessons=(),
        source="offline",
        language=language,
        numbers=(
            *(fact for total in shown for fact in stage_facts(total, stats.currency, own=ask.own)),
            *(stage_facts(unstaged, stats.currency, own=ask.own) if unstaged else ()),
            *number_facts(others, stats, limit=len(others)),
        ),
        quoted=tuple(total.stage for total in shown),  # the CRM's labels, as written (not mrkdwn)
    )


def stage_facts(total: StageTotal, currency: str, *, own: bool) -> tuple[NumberFact, NumberFact]:
    """A stage's count and value as the numbers an answer states (`crmcoach ask --json`)."""
    prefix = "own_" if own else ""
    return (
        NumberFact(metric=f"{prefix}open_deals", value=total.deals, of=None, stage=total.stage),
        NumberFact(
            metric=f"{prefix}open_value",
            value=float(total.value),
            of=None,
            currency=currency,
            stage=total.stage,
        ),
    )


def _unstaged(stats: ManagerStats, totals: Sequence[StageTotal], *, own: bool) -> StageTotal | None:
    """The open deals the stage lines leave out (they are in no stage), or None when there are none; its
    stage is NO_STAGE."""
    deals = (stats.own_open_deals if own else stats.open_deals) - sum(total.deals for total in totals)
    if deals <= 0:
        return None
    value = (stats.own_open_value if own else stats.open_value) - sum(
        (total.value for total in totals), Decimal(0)
    )
    if value < 0:  # the CRM's stage totals disagree with its open value: say nothing wrong, but log it
        log.warning("stage values exceed the open value by %s; the (no stage) line shows none", -value)
    return StageTotal(NO_STAGE, deals, max(value, Decimal(0)))


def _more_line(hidden: Sequence[StageTotal], crm: str, language: Language) -> str:
    """The stages beyond the lines, with their open deals: the counts still add up."""
    deals = sum(total.deals for total in hidden)
    key = "kinds.stages_more" if len(hidden) > 1 else "kinds.stages_more_one"
    return tn(language, key, deals, count=format_int(deals, language), stages=len(hidden), crm=crm)


def _no_stage_line(total: StageTotal, language: Language) -> StageTotal:
    return replace(total, stage=t(language, "kinds.stages_no_stage"))


def _line(total: StageTotal, currency: str, language: Language) -> str:
    count = format_int(total.deals, language)
    if total.value == 0:
        return tn(language, "kinds.stages_line_count", total.deals, stage=total.stage, count=count)
    value = format_money(total.value, currency, language)
    return tn(language, "kinds.stages_line", total.deals, stage=total.stage, count=count, value=value)
