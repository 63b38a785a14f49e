"""`crmcoach ask`: the coach from the terminal (for admins, scripts and trying it out)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.config import Settings


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
        "--json", action="store_true", help='print {"answer", "lessons", "source", "language"} as JSON'
    )
    ask.set_defaults(run=_ask)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import UserError
    from bot.cli_commands import open_container
    from bot.crm.base import CRMError

    if not args.question.strip():
        raise UserError('the question is empty: crmcoach ask "how do I run a pipeline review?"')
    container = open_container(args, settings)
    stats = None
    if args.user:
        owner = container.crm.find_owner_by_email(args.user)
        if owner is None:
            raise UserError(f"{container.crm.display_name} has no user with the e-mail {args.user}.")
        try:
            stats = container.crm.manager_stats(owner.crm_id, now=container.clock())
        except CRMError as error:
            raise UserError(f"{container.crm.display_name}: {error.user_message}") from None
    answer = container.coach.answer(args.question, language=args.locale, stats=stats, offline=args.offline)
    if args.json:
        lessons = [{"id": lesson.id, "topic": lesson.topic} for lesson in answer.lessons]
        print(
            json.dumps(
                {
                    "answer": answer.text,
                    "lessons": lessons,
                    "source": answer.source,
                    "language": answer.language,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(answer.text)
    return 0
