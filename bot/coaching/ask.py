"""`/crmcoach ask` and direct messages: first what kind of message it is, then the answer that kind needs.

Only coaching questions get a lesson (and may reach the LLM); numbers come from the stats, controls get
the exact commands, reflections are kept for the coach, and the rest get one line on what the coach does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import kind_answers
from bot.coaching.asked import family_of, figures_asked, read_all
from bot.coaching.asked_biggest import asked_in_scopes, read_biggest
from bot.coaching.asked_tool import tool_asked
from bot.coaching.coach import Coach, CoachAnswer
from bot.coaching.identity import Identities, IdentityProblem
from bot.coaching.kinds import Kind
from bot.coaching.language import answer_language
from bot.coaching.others_asked import whose_figures
from bot.coaching.pipeline import PipelineStats
from bot.coaching.reflections import ReflectionPrompt, pending_reflection, record_reflection
from bot.coaching.stage_numbers import STAGE_FAMILIES, read_stages, stages_answer
from bot.crm.base import CRMError, ManagerStats
from bot.i18n import Language, t
from bot.store.events import first_delivery

log = logging.getLogger(__name__)
NEEDS_NUMBERS: tuple[Kind, ...] = ("coaching", "numbers")


def answer_direct_message(
    *,
    sessions: sessionmaker[Session],
    identities: Identities,
    stats: PipelineStats,
    coach: Coach,
    team_id: str,
    slack_user_id: str,
    event_id: str,
    question: str,
    now: datetime,
) -> AskResult | None:
    """Like ask_coach, but None for a delivery Slack already sent us (a retry)."""
    if not first_delivery(sessions, team_id=team_id, event_id=event_id, now=now):
        log.info("ignoring a repeated delivery of event %s", event_id)
        return None
    return ask_coach(
        sessions=sessions,
        identities=identities,
        stats=stats,
        coach=coach,
        team_id=team_id,
        slack_user_id=slack_user_id,
        question=question,
        now=now,
        reflections=True,
    )


@dataclass(frozen=True, slots=True)
class AskResult:
    answer: CoachAnswer
    language: Language
    with_numbers: bool
    kind: Kind = "coaching"


@dataclass(frozen=True, slots=True)
class ToolQuestion:
    """A tool how-to, read once: the language it is answered in and the metrics it names."""

    language: Language
    metrics: tuple[str, ...]


def read_tool_question(question: str, *, profile: Language) -> ToolQuestion:
    language = answer_language(question, profile=profile)
    return ToolQuestion(language, tuple(reading.metric for reading in tool_asked(question, language)))


@dataclass(frozen=True, slots=True)
class Numbers:
    """The asker's numbers, or why there are none (not linked / the CRM failed)."""

    stats: ManagerStats | None
    linked: bool


def ask_coach(
    *,
    sessions: sessionmaker[Session],
    identities: Identities,
    stats: PipelineStats,
    coach: Coach,
    team_id: str,
    slack_user_id: str,
    question: str,
    now: datetime,
    reflections: bool = False,
) -> AskResult:
    """Answer by kind; `reflections` (direct messages) lets a reply to a recent lesson count as one."""
    prompt = (
        pending_reflection(sessions, team_id=team_id, slack_user_id=slack_user_id, now=now)
        if reflections
        else None
    )
    classification = coach.classifier.classify(question, reflection_pending=prompt is not None)
    kind = classification.kind
    log.info("message from %s/%s is %s (%s)", team_id, slack_user_id, kind, classification.reason)
    # a tool question naming a metric gets its number: read once, in the language the answer is in
    tool: ToolQuestion | None = None
    if kind == "tool_howto":
        profile = identities.language(team_id=team_id, slack_user_id=slack_user_id, now=now)
        tool = read_tool_question(question, profile=profile)
    if kind in NEEDS_NUMBERS or (tool is not None and tool.metrics):
        language, numbers = _numbers(identities, stats, team_id, slack_user_id, now)
    else:  # no CRM call for a message that does not need numbers
        language = identities.language(team_id=team_id, slack_user_id=slack_user_id, now=now)
        numbers = Numbers(stats=None, linked=False)
    if kind == "reflection" and prompt is not None:
        record_reflection(
            sessions,
            team_id=team_id,
            slack_user_id=slack_user_id,
            lesson_id=prompt.lesson_id,
            text=question,
            now=now,
        )
    answer = answer_by_kind(
        coach=coach,
        kind=kind,
        question=question,
        language=language,
        numbers=numbers,
        prompt=prompt,
        crm_name=identities.crm.display_name,
        now=now,
        tool=tool,
    )
    return AskResult(
        answer=answer, language=answer.language, with_numbers=numbers.stats is not None, kind=kind
    )


def answer_by_kind(
    *,
    coach: Coach,
    kind: Kind,
    question: str,
    language: Language,
    numbers: Numbers,
    prompt: ReflectionPrompt | None,
    crm_name: str,
    now: datetime,
    offline: bool = False,
    tool: ToolQuestion | None = None,
) -> CoachAnswer:
    """The answer a coach would give to this kind of message (the CLI calls this too).

    `language` is the profile language; a question clearly written in the other one is answered in it.
    `tool`: a tool question as the caller has read it already (its answer language and metrics).
    """
    if kind == "coaching":
        # a goal only when the message is plainly about the work: coaching is also what no rule claims
        with_goal = coach.classifier.goal_evidence(question) is not None
        return coach.answer(
            question, language=language, stats=numbers.stats, offline=offline, with_goal=with_goal
        )
    if kind == "tool_howto":
        if tool is None:
            tool = read_tool_question(question, profile=language)
        vendor = kind_answers.find_vendor(question, connected=crm_name)
        related = coach.related_lesson(question, language=tool.language)
        return kind_answers.tool_answer(
            language=tool.language, vendor=vendor, related=related, stats=numbers.stats, asked=tool.metrics
        )
    # gibberish is written in no language: the detector's guess ("asdfjkl" looks German to it) is noise
    if kind != "gibberish":
        language = answer_language(question, profile=language)
    if kind == "numbers":
        return _numbers_answer(question, language=language, numbers=numbers, crm_name=crm_name)
    if kind == "reflection":
        lesson = prompt.lesson(coach.library, language) if prompt else None
        return kind_answers.reflection_answer(language=language, lesson=lesson)
    return kind_answers.without_lesson(kind, language=language, now=now)


def _numbers_answer(question: str, *, language: Language, numbers: Numbers, crm_name: str) -> CoachAnswer:
    """Exactly the figures the question names, own or team (else all, those it hints at first); the
    biggest deals or the open deals by stage where it asks for them."""
    if numbers.stats is None:
        return kind_answers.numbers_unavailable(language=language, crm=crm_name, linked=numbers.linked)
    # exactly the figures the question names, own or team; else all, those it hints at first
    readings = read_all(question, language)
    biggest = read_biggest(question, language)
    # the deciding words, to trace a wrong reading to its term (debug only: they quote the question)
    log.debug(
        "numbers read as %s, biggest %s",
        [(r.metric, r.family_term, r.scope_term) for r in readings],
        biggest,
    )
    named = asked_in_scopes(question, language, biggest)
    stats = numbers.stats
    stages = read_stages(question, language, stats)
    if stages is not None and stages.labels:
        # deals in one of the CRM's open stages are not won: "how many deals in Commit closed this month?"
        # asks for their close dates, not for the won count
        named = [metric for metric in named if metric.removeprefix("own_") != "won_90d"]
    listed = figures_asked(question)
    lead = [kind_answers.ATTENTION] if listed[:1] == [kind_answers.ATTENTION] else []
    asked = lead + named + listed
    log.debug("numbers by stage: %s", stages)
    if biggest and stages and stages.labels and biggest.unfiltered is None:
        # one of the CRM's stage labels ("top 5 deals in Negotiation"): the ranking keeps no stage
        biggest = replace(biggest, unfiltered="stage")
    # a ranking asked for one rep already says it is not filtered by rep
    whose = _whose_note(question, stats, language, rep_told=bool(biggest and biggest.unfiltered == "owner"))

    def overview(notes: Sequence[str], *, unfiltered_stage: bool = False) -> CoachAnswer:
        return kind_answers.numbers_answer(
            stats=stats,
            language=language,
            asked=asked,
            named=named,
            biggest=biggest,
            notes=notes,
            unfiltered_stage=unfiltered_stage,
        )

    # by stage there are only open deals and their value: a ranking or another figure is answered as asked
    other_figures = any(family_of(metric) not in STAGE_FAMILIES for metric in named)
    if stages is not None and stats.open_deals > 0 and biggest is None and not other_figures:
        return stages_answer(
            stats=stats, language=language, ask=stages, named=named, overview=overview, notes=whose
        )
    # "how many deals in negotiation haven't moved in 30 days?": the stale count has no stage in the
    # CRM's figures; say so rather than pass the team's count off as the stage's
    unfiltered_stage = bool(stages is not None and stages.labels and biggest is None)
    return overview(whose, unfiltered_stage=unfiltered_stage)


def _whose_note(question: str, stats: ManagerStats, language: Language, *, rep_told: bool) -> tuple[str, ...]:
    """Asked for someone else's figures (or one rep's): the line saying first whose these are, the
    asker's and their team's, rather than pass them off as the answer; none for the asker's own."""
    whose = whose_figures(question, stats, language)
    if whose is None or (whose.kind == "rep" and rep_told):
        return ()
    key = "kinds.numbers_others" if whose.kind == "other" else "kinds.numbers_team_rep"
    return (t(language, key, who=whose.who, crm=stats.source),)


def _numbers(
    identities: Identities, stats: PipelineStats, team_id: str, slack_user_id: str, now: datetime
) -> tuple[Language, Numbers]:
    """The asker's language and numbers; a missing link or a failing CRM means coaching without them."""
    try:
        identity = identities.identify(team_id=team_id, slack_user_id=slack_user_id, now=now)
        numbers = stats.current(team_id=team_id, crm_owner_id=identity.crm_owner_id, now=now)
    except IdentityProblem as problem:
        return problem.language, Numbers(stats=None, linked=False)
    except CRMError as error:
        log.warning("answering %s/%s without numbers: %s", team_id, slack_user_id, error)
        language = identities.language(team_id=team_id, slack_user_id=slack_user_id, now=now)
        return language, Numbers(stats=None, linked=True)
    return identity.language, Numbers(stats=numbers, linked=True)
