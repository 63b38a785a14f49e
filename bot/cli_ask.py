"""`crmcoach ask`: the coach from the terminal (for admins, scripts and trying it out)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:  # the CLI imports the coach only for the commands that need it
    from bot.coaching.coach import CoachAnswer
    from bot.coaching.numbers import NumberFact


def register(commands: Any) -> None:
    ask = commands.add_parser("ask", help="ask the coach a question (optionally with a CRM user's numbers)")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--user", metavar="EMAIL", help="answer with this CRM user's own numbers")
    ask.add_argument(
        "--locale",
        choices=["en", "de"],
        default="en",
        help="the asker's profile language (default en); a question clearly in another is answered in it",
    )
    ask.add_argument("--offline", action="store_true", help="never use the LLM, even when one is configured")
    ask.add_argument(
        "--json",
        action="store_true",
        help='print {"answer", "lessons", "source", "language", "numbers", "goal", "kind"} as JSON',
    )
    ask.add_argument(
        "--after-lesson",
        metavar="LESSON_ID",
        help="the asker got this lesson (and its reflection question) less than 48 h ago: "
        "a reply to it counts as a reflection (acknowledged, not stored from the CLI)",
    )
    ask.set_defaults(run=_ask)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import UserError, open_container
    from bot.coaching.ask import Numbers, answer_by_kind
    from bot.coaching.reflections import ReflectionPrompt
    from bot.crm.base import CRMError

    if not args.question.strip():
        raise UserError('the question is empty: crmcoach ask "how do I run a pipeline review?"')
    container = open_container(args, settings)
    prompt = None
    if args.after_lesson:
        if not any(lesson.id == args.after_lesson for lesson in container.answers.library.lessons):
            raise UserError(
                f"there is no lesson {args.after_lesson!r}: lesson ids look like "
                "pipeline-review-stale-first (the file names in prompts/lessons/)."
            )
        prompt = ReflectionPrompt(lesson_id=args.after_lesson, asked_at=None)
    stats = None
    if args.user:
        owner = container.crm.find_owner_by_email(args.user)
        if owner is None:
            raise UserError(f"{container.crm.display_name} has no user with the e-mail {args.user}.")
        try:
            stats = container.crm.manager_stats(owner.crm_id, now=container.clock())
        except CRMError as error:
            raise UserError(f"{container.crm.display_name}: {error.user_message}") from None
    kind = container.answers.classifier.classify(args.question, reflection_pending=prompt is not None).kind
    answer = answer_by_kind(
        coach=container.answers,
        kind=kind,
        question=args.question,
        language=args.locale,
        numbers=Numbers(stats=stats, linked=args.user is not None),
        prompt=prompt,
        crm_name=container.crm.display_name,
        now=container.clock(),
        offline=args.offline,
    )
    if args.json:
        print(json.dumps({**answer_json(answer), "kind": kind}, ensure_ascii=False))
    else:
        print(answer.text)
    return 0


def answer_json(answer: CoachAnswer) -> dict[str, Any]:
    """What the Slack answer states, as data: the numbers quoted (first: the one the question names,
    else the lesson's) and the practice goal; metric names without own_, the scope says whose."""
    from bot.coaching.goals import scope_of

    goal = None
    if answer.goal is not None:
        name, scope = scope_of(answer.goal.metric)
        goal = {
            "metric": name,
            "scope": scope,
            "from": _number(answer.goal.start),
            "target": _number(answer.goal.target),
            "days": answer.goal.days,
        }
    return {
        "answer": answer.text,
        "lessons": [{"id": lesson.id, "topic": lesson.topic} for lesson in answer.lessons],
        "source": answer.source,
        "language": answer.language,
        "numbers": [_fact_json(fact) for fact in answer.numbers],
        "goal": goal,
    }


def _fact_json(fact: NumberFact) -> dict[str, Any]:
    """A pipeline value also says its currency and the other currencies' open deals (never added to it);
    a stage's count or value says its stage. A stage's value says its currency but no other_currencies:
    the stats keep no other-currency totals per stage, and an empty list would read "none". Every entry
    keeps one field order (a ranking's and a stage's alike): metric, scope, value, of, currency,
    other_currencies, stage, each where it applies."""
    entry: dict[str, Any] = {
        "metric": fact.name,
        "scope": fact.scope,
        "value": _number(fact.value),
        "of": fact.of,
    }
    if fact.currency is not None:
        entry["currency"] = fact.currency
    if fact.currency is not None and fact.stage is None:
        entry["other_currencies"] = [
            {"currency": total.currency, "value": _number(float(total.amount)), "deals": total.deals}
            for total in fact.others
        ]
    if fact.stage is not None:
        entry["stage"] = fact.stage
    return entry


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
