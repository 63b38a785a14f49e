"""`crmcoach` command line: every process and admin task starts here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.cli_support import UserError
from bot.coaching.lessons import LessonError
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.store.migrations import SchemaOutdatedError

log = logging.getLogger("bot.cli")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = load_settings()
        configure_logging(settings.server.log_level)
        with ExitStack() as resources:  # engines the command opened are disposed on the way out
            args.resources = resources
            result: int = args.run(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        code, message = _explain(exc)
        print(message, file=sys.stderr)
        return code
    return result


def _explain(exc: Exception) -> tuple[int, str]:
    """Exit code and one readable message for what went wrong; unexpected errors are logged in full."""
    if isinstance(exc, ConfigError | SchemaOutdatedError):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, UserError):
        return EXIT_USAGE, f"crmcoach: {exc}"
    if isinstance(exc, LessonError):
        problems = "\n".join(f"  {problem}" for problem in exc.problems[:20])
        return (
            EXIT_USAGE,
            f"crmcoach: the lesson files are invalid (see `crmcoach lessons check`):\n{problems}",
        )
    log.debug("failure", exc_info=exc)
    if isinstance(exc, OperationalError):
        return EXIT_FAILURE, f"crmcoach: cannot reach the database ({_first_line(exc)}). Check DATABASE_URL."
    if isinstance(exc, SQLAlchemyError):
        hint = "Is the schema current? Run `crmcoach db upgrade`."
        return EXIT_FAILURE, f"crmcoach: database error ({_first_line(exc)}). {hint}"
    log.error("unexpected error", exc_info=exc)
    return EXIT_FAILURE, "crmcoach: unexpected error (details above; LOG_LEVEL=DEBUG shows more)."


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


def _parser() -> argparse.ArgumentParser:
    from bot.cli_commands import register_all

    parser = argparse.ArgumentParser(
        prog="crmcoach", description="CRM Coach: coaching managers to use their CRM, in Slack."
    )
    register_all(parser.add_subparsers(title="commands", metavar="COMMAND"))
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
