"""Show Block Kit the way a person would see it, in a terminal (rich)."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_MENTION = re.compile(r"<([#@])([A-Z0-9]+)(?:\|([^>]*))?>")


def mrkdwn(text: str) -> Text:
    text = _DATE.sub(r"\1", text)
    text = _LINK.sub(r"\2", text)
    text = _MENTION.sub(lambda m: f"{m.group(1)}{m.group(3) or m.group(2)}", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    rendered = Text()
    for token in re.split(r"(\*[^*\n]+\*|`[^`\n]+`|(?<!\w)_[^_\n]+_(?!\w))", text):
        if token.startswith("*") and token.endswith("*") and len(token) > 2:
            rendered.append(token[1:-1], style="bold")
        elif token.startswith("_") and token.endswith("_") and len(token) > 2:
            rendered.append(token[1:-1], style="italic")
        elif token.startswith("`") and token.endswith("`") and len(token) > 2:
            rendered.append(token[1:-1], style="cyan")
        else:
            rendered.append(token)
    return rendered


def message_panel(message: dict[str, Any], *, title: str) -> Panel:
    blocks = message.get("blocks") or []
    parts: list[RenderableType] = [_block(block) for block in blocks] or [mrkdwn(message.get("text", ""))]
    return Panel(Group(*parts), title=title, title_align="left", border_style="magenta", expand=False)


def _block(block: dict[str, Any]) -> RenderableType:
    kind = block.get("type")
    if kind == "header":
        return Text(block["text"]["text"], style="bold magenta")
    if kind == "divider":
        return Rule(style="dim")
    if kind == "context":
        return Text.assemble(*(mrkdwn(e.get("text", "")) for e in block.get("elements", [])), style="dim")
    if kind == "section":
        parts: list[RenderableType] = []
        if block.get("text"):
            parts.append(mrkdwn(block["text"]["text"]))
        for field in block.get("fields") or []:
            parts.append(Text("  ") + mrkdwn(field["text"].replace("\n", ": ", 1)))
        return Group(*parts)
    if kind == "actions":
        labels = [f"[ {element.get('text', {}).get('text', '?')} ]" for element in block.get("elements", [])]
        return Text("  ".join(labels), style="bold green")
    return Text(f"({kind} block)", style="dim")
