"""Block Kit is built in one place: bot/render. Every other module hands it plain data.

Two ways a module could build Block Kit behind the render layer's back are looked for in the source:
importing slack_sdk's Block Kit models, and writing a block, element, text object or view as a dict
literal (a "type" key whose value is a Block Kit kind)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
RENDER = BOT / "render"
# The demo plays Slack's side: it builds the payloads Slack sends the bot (a click on a button, an
# event), never a message or view the bot posts.
SLACK_SIDE = BOT / "demo"
BLOCK_KIT_MODELS = ("slack_sdk.models.blocks", "slack_sdk.models.views", "slack_sdk.models.attachments")
BLOCK_KIT_KINDS = frozenset(
    {
        # blocks
        *("actions", "context", "divider", "file", "header", "image", "input", "markdown", "rich_text"),
        *("section", "video"),
        # elements
        *("button", "checkboxes", "channels_select", "conversations_select", "datepicker"),
        *("datetimepicker", "email_text_input", "external_select", "multi_static_select"),
        *("multi_users_select", "number_input", "overflow", "plain_text_input", "radio_buttons"),
        *("static_select", "timepicker", "url_text_input", "users_select"),
        # text objects and views
        *("plain_text", "mrkdwn", "modal", "home"),
    }
)


def block_kit_built_in(source: str) -> list[str]:
    """Where `source` builds Block Kit itself: 'line N: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(BLOCK_KIT_MODELS):
            found.append(f"line {node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports {a.name}"
                for a in node.names
                if a.name.startswith(BLOCK_KIT_MODELS)
            ]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if _is_str(key, "type") and _is_block_kit_kind(value):
                    found.append(f"line {node.lineno}: a {value.value!r} dict")  # type: ignore[union-attr]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            for keyword in node.keywords:
                if keyword.arg == "type" and _is_block_kit_kind(keyword.value):
                    found.append(f"line {node.lineno}: a {keyword.value.value!r} dict")  # type: ignore[attr-defined]
    return found


def _is_str(node: ast.expr | None, text: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == text


def _is_block_kit_kind(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in BLOCK_KIT_KINDS


def _outside_render() -> list[Path]:
    return [
        path
        for path in sorted(BOT.rglob("*.py"))
        if not path.is_relative_to(RENDER) and not path.is_relative_to(SLACK_SIDE)
    ]


def test_no_module_outside_bot_render_builds_block_kit() -> None:
    modules = _outside_render()
    assert len(modules) > 100  # the walk really sees the bot's modules
    offenders = {
        str(path.relative_to(BOT.parent)): found
        for path in modules
        if (found := block_kit_built_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "from slack_sdk.models.blocks import SectionBlock",
        "import slack_sdk.models.views",
        'message = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}',
        'option = {"text": {"type": "plain_text", "text": "Lesson"}, "value": "en:1"}',
        'button = dict(type="button", action_id="done")',
    ],
)
def test_the_check_sees_block_kit_built_by_hand(source: str) -> None:
    assert block_kit_built_in(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from slack_sdk.errors import SlackApiError",
        'metadata = {"event_type": "crmcoach_delivery", "event_payload": {}}',
        'event = {"type": "message", "channel_type": "im"}',
        "from bot.render.replies import text_message",
    ],
)
def test_the_check_lets_plain_data_and_other_slack_payloads_through(source: str) -> None:
    assert block_kit_built_in(source) == []


def test_bot_render_is_where_block_kit_is_built() -> None:
    """The check would pass vacuously if it could not recognise the real renderers."""
    assert block_kit_built_in((RENDER / "modals.py").read_text(encoding="utf-8")) != []
