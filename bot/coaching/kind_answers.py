"""Answers for the kinds of message that are not coaching questions: numbers, controls, tool how-to,
reflections, and one line for off-topic, gibberish and hostile messages. None of them gives a goal.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from bot.coaching.asked import family_of
from bot.coaching.asked_biggest import BiggestReading, ranking_filters
from bot.coaching.biggest_answer import biggest_deals_text, ranked_metrics
from bot.coaching.coach import CoachAnswer
from bot.coaching.kind_terms import Terms, normalise
from bot.coaching.kinds import Kind
from bot.coaching.lessons import Lesson
from bot.coaching.listed_names import deal_name, listed_names, owner_name
from bot.coaching.numbers import (
    asked_deals,
    asked_problem_count,
    metric_sentence,
    number_facts,
    own_deals,
)
from bot.coaching.stated import FIGURE_OF, told_once
from bot.crm.base import AttentionDeal, ManagerStats
from bot.formatting import format_money
from bot.i18n import Language, t
from bot.paths import PROMPTS_DIR

VENDORS_FILE = PROMPTS_DIR / "kinds" / "vendors.toml"
# The order /crmcoach stats shows its numbers in; the asked ones move to the front.
STATS_ORDER = (
    "open_deals",
    "stale_deals",
    "deals_without_next_step",
    "overdue_close_dates",
    "activities_7d_manager",
    "won_90d",
)
ATTENTION = "attention"
PAUSE_EXAMPLE_DAYS = 14


@dataclass(frozen=True, slots=True)
class Vendor:
    name: str
    help: str


def numbers_answer(
    *,
    stats: ManagerStats,
    language: Language,
    asked: list[str],
    named: Sequence[str] = (),
    biggest: BiggestReading | None = None,
    notes: Sequence[str] = (),
    unfiltered_stage: bool = False,
) -> CoachAnswer:
    """The numbers a question asks for, as sentences, no lesson: exactly the `named` ones (own or team,
    with the deals that show an asked problem), or, when it names none, the numbers /crmcoach stats
    shows, `asked` first. Asked for the `biggest` deals, their ranking (own or team, as many as asked)
    comes first, with only the numbers the question names (its open value, which the ranking's first
    line states, is the first of them); asked for the biggest deals with a problem,
    the deals worth a look that have it, by amount. `notes` come first, under the title (whose figures
    these are, why there are no stages); `unfiltered_stage` (a stage asked of figures the CRM keeps for
    no stage) is said last, above the footer."""
    if stats.open_deals == 0:
        return _plain(t(language, "stats.no_deals", crm=stats.source), language)
    named = list(dict.fromkeys(named))
    wanted = told_once(named)
    # a problem asked in its own clause is counted apart, not a filter on the ranking
    filters = ranking_filters(named, biggest, language) if biggest else named
    deals = asked_deals(stats, filters) if filters else None
    ranking = biggest_deals_text(stats, language, biggest) if biggest and deals is None else ""
    # the value and count the ranking's first line states: figures of the answer, never a bullet again
    lead = list(ranked_metrics(stats, biggest)) if ranking and biggest else []
    if wanted:
        order = wanted
    elif ranking:
        order = []  # the ranking is what was asked: no overview of every number after it
    else:
        chosen = list(dict.fromkeys(metric for metric in asked if metric != ATTENTION))
        families = {family_of(metric) for metric in chosen}
        order = chosen + [m for m in STATS_ORDER if m not in chosen and family_of(m) not in families]
    if ranking:
        listing = ranking
    elif deals is not None:
        listing = _problem_deals_text(stats, language, deals, asked_problem_count(stats, filters), biggest)
    elif biggest and biggest.own:  # numbers stored before the ranking: the own deals worth a look
        listing = attention_text(
            stats,
            language,
            deals=own_deals(stats),
            note="kinds.numbers_no_ranking_own",
            empty="kinds.numbers_no_ranking_own_none",
        )
    elif not wanted or asked[:1] == [ATTENTION] or biggest:  # a count or a value: deals only when asked
        listing = attention_text(stats, language, note="kinds.numbers_no_ranking" if biggest else None)
    else:
        listing = ""
    told = {FIGURE_OF.get(metric, metric) for metric in lead}
    rest = [metric for metric in order if FIGURE_OF.get(metric, metric) not in told]
    stated = number_facts(rest, stats, limit=len(rest))  # every number the text states, once
    lines = "\n".join("• " + metric_sentence(fact.metric, stats, language) for fact in stated)
    facts = tuple(fact for metric in lead for fact in number_facts([metric], stats, limit=1)) + stated
    parts = [t(language, "kinds.numbers_title", crm=stats.source), *notes]
    parts += [listing, lines] if ranking or asked[:1] == [ATTENTION] else [lines, listing]
    if unfiltered_stage:
        parts.append(t(language, "kinds.numbers_unfiltered_stage", crm=stats.source))
    when = stats.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
    parts.append("_" + t(language, "kinds.numbers_footer", crm=stats.source, when=when) + "_")
    return CoachAnswer(
        text="\n\n".join(part for part in parts if part),
        lessons=(),
        source="offline",
        language=language,
        numbers=facts,
        quoted=listed_names(stats),
    )


def _problem_deals_text(
    stats: ManagerStats,
    language: Language,
    deals: tuple[AttentionDeal, ...],
    count: int,
    biggest: BiggestReading | None,
) -> str:
    """The deals worth a look that have the asked problem; when they are fewer than the deals that have
    it, where the full list is (the stats keep only the few worth a look first)."""
    if not deals:
        return t(language, "kinds.numbers_none_listed", crm=stats.source) if count else ""
    note = "kinds.numbers_no_filtered_ranking" if biggest else None
    text = attention_text(stats, language, deals=deals, note=note)
    if len(deals) < count:
        text += "\n\n" + t(language, "kinds.numbers_partial_list", crm=stats.source)
    return text


def attention_text(
    stats: ManagerStats,
    language: Language,
    *,
    deals: tuple[AttentionDeal, ...] | None = None,
    note: str | None = None,
    empty: str = "stats.no_attention",
) -> str:
    """The deals that need attention (all, or `deals` of them) and why, one line each (mrkdwn; names
    raw: the Slack render escapes them, the CLI shows them as they are); with a `note` (asked for the
    biggest), by amount, the note saying why these are not the ranking of all open deals; `empty` is
    what to say when there are none."""
    deals = stats.attention if deals is None else deals
    if not deals:
        return t(language, empty, crm=stats.source)
    lines = [t(language, "stats.attention_title")]
    if note:
        lines.append(t(language, note, crm=stats.source))
        deals = tuple(sorted(deals, key=lambda deal: deal.by_amount(stats.currency)))
    for deal in deals:
        reasons = ", ".join(t(language, f"reasons.{r}", days=stats.stale_days) for r in deal.reasons)
        lines.append(
            t(
                language,
                "stats.attention_item",
                name=deal_name(deal),
                owner=owner_name(deal),
                amount=format_money(deal.amount, deal.currency, language),
                reasons=reasons,
            )
        )
    return "\n".join(lines)


def numbers_unavailable(*, language: Language, crm: str, linked: bool) -> CoachAnswer:
    """Asked for numbers we cannot read: how to link the CRM user, or 'try again later'."""
    key = "kinds.numbers_unavailable" if linked else "kinds.numbers_unlinked"
    return _plain(t(language, key, crm=crm), language)


def controls_answer(*, language: Language, now: datetime) -> CoachAnswer:
    """The exact commands; free text never changes settings (a misread 'stop' must not unsubscribe)."""
    example = (now + timedelta(days=PAUSE_EXAMPLE_DAYS)).date().isoformat()
    return _plain(t(language, "kinds.controls", date=example), language)


def tool_answer(
    *,
    language: Language,
    vendor: Vendor | None,
    related: Lesson | None,
    stats: ManagerStats | None = None,
    asked: Sequence[str] = (),
) -> CoachAnswer:
    """Habits, not clicks: the vendor's help for the clicks, the manager's number for each metric the
    question names (`asked`, own or team: what the report they are building would show), and at most
    one related lesson (no goal)."""
    if vendor is not None:
        text = t(language, "kinds.tool_howto", crm=vendor.name, help=vendor.help)
    else:
        text = t(language, "kinds.tool_howto_unknown")
    wanted = told_once(asked) if stats is not None and stats.open_deals > 0 else []
    facts = number_facts(wanted, stats, limit=len(wanted)) if stats is not None and wanted else ()
    if stats is not None and facts:
        sentences = " ".join(metric_sentence(fact.metric, stats, language) for fact in facts)
        text += "\n\n" + t(language, "answer.numbers_title") + "\n" + sentences
    lessons = (related,) if related is not None else ()
    if related is not None:
        text += "\n\n" + t(language, "kinds.tool_related", title=related.title, id=related.id)
    return CoachAnswer(text=text, lessons=lessons, source="offline", language=language, numbers=facts)


def reflection_answer(*, language: Language, lesson: Lesson | None) -> CoachAnswer:
    if lesson is None:
        return _plain(t(language, "kinds.reflection_saved_plain"), language)
    # the lesson it reflects on, so the answer names it (no task or goal is given)
    text = t(language, "kinds.reflection_saved", title=lesson.title)
    return CoachAnswer(text=text, lessons=(lesson,), source="offline", language=language)


def without_lesson(kind: Kind, *, language: Language, now: datetime) -> CoachAnswer:
    """Controls get the commands; off-topic, gibberish and hostile messages one line on what we do."""
    if kind == "controls":
        return controls_answer(language=language, now=now)
    return _plain(t(language, f"kinds.{kind}"), language)


def find_vendor(message: str, *, connected: str) -> Vendor | None:
    """The vendor the message names, else the connected CRM, when we know where its help lives."""
    text = normalise(message)
    vendors = _vendors()
    named = [(found.start, vendor) for terms, vendor in vendors if (found := terms.find(text))]
    if named:
        return min(named, key=lambda pair: pair[0])[1]
    return next((v for _, v in vendors if v.name.lower() == connected.lower()), None)


@cache
def _vendors() -> tuple[tuple[Terms, Vendor], ...]:
    with VENDORS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        (Terms(entry["terms"]), Vendor(name=entry["name"], help=entry["help"])) for entry in data.values()
    )


def _plain(text: str, language: Language) -> CoachAnswer:
    return CoachAnswer(text=text, lessons=(), source="offline", language=language)
