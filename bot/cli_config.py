"""`crmcoach config docs`: the settings reference of docs/configuration.md, generated from the settings."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli_support import UserError
from bot.config import Settings
from bot.config_docs import settings_reference, with_reference


def register(commands: Any) -> None:
    config = commands.add_parser("config", help="the settings").add_subparsers(
        title="config commands", metavar="ACTION"
    )
    docs = config.add_parser("docs", help="print the settings reference (Markdown tables)")
    docs.add_argument("--write", type=Path, metavar="FILE", help="replace the reference in FILE instead")
    docs.set_defaults(run=_docs)


def _docs(args: argparse.Namespace, _settings: Settings) -> int:
    if args.write is None:
        print(settings_reference(), end="")
        return 0
    try:
        document = args.write.read_text(encoding="utf-8")
        args.write.write_text(with_reference(document), encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise UserError(str(exc)) from None
    print(f"Settings reference written to {args.write}.")
    return 0
