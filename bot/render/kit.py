"""The Block Kit basics every message is built from: limits, the message payload, escaping, dates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot.formatting import truncate
from bot.i18n import Language, t

MESSAGE_BLOCK_LIMIT = 50
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
HEADER_TEXT_LIMIT = 150

UNESCAPED_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
# mrkdwn has no escape for its formatting characters: look-alikes that Slack never pairs into code,
# bold, italics or strikethrough (a backtick in a name would pair with one in the template)
UNSTYLED = str.maketrans({"`": "\u02cb", "*": "\u2217", "_": "\u02cd", "~": "\u223c"})


def to_message(blocks: Sequence[Block], fallback: str) -> dict[str, Any]:
    """A message payload; raises SlackObjectFormationError when Slack would reject the blocks."""
    if len(blocks) > MESSAGE_BLOCK_LIMIT:
        raise ValueError(f"{len(blocks)} blocks exceed Slack's {MESSAGE_BLOCK_LIMIT} per message")
    return {"text": truncate(fallback, SECTION_TEXT_LIMIT), "blocks": [block.to_dict() for block in blocks]}


def escape(text: str) -> str:
    """Text someone typed, made inert in mrkdwn: no <!channel> pings, <@user> mentions or <url|links>."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unstyled(text: str) -> str:
    """Text someone typed (a name), kept from restyling the mrkdwn around it: ` * _ ~ as look-alikes."""
    return text.translate(UNSTYLED)


def literal(text: str) -> str:
    """Text someone typed, shown in mrkdwn as written: no mention, link or formatting from it."""
    return escape(unstyled(text))


def unstyled_names(mrkdwn: str, names: Iterable[str]) -> str:
    """mrkdwn that quotes `names` (as it shows them) with each name unstyled; the rest keeps its
    formatting. A name without a letter or digit (a lone "_") is left alone: it would hit the template."""
    for name in sorted(set(names), key=len, reverse=True):
        if name != unstyled(name) and any(char.isalnum() for char in name):
            mrkdwn = mrkdwn.replace(name, unstyled(name))
    return mrkdwn


def inert(mrkdwn: str) -> str:
    """Text that is already mrkdwn made safe to post whoever wrote it (a lesson, the CRM, a model
    echoing the question): no raw < or > is left to start a special mention (<!channel>,
    <!subteam^…>), a user or channel mention or a <url|label> link. Entities already escaped stay as
    they are, so text escaped earlier is not shown as "&amp;lt;"."""
    return UNESCAPED_AMPERSAND.sub("&amp;", mrkdwn).replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: datetime, language: Language) -> str:
    """A <!date> token: Slack shows it in each reader's own timezone and format."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    pattern = t(language, "formats.slack_date")  # Slack's own tokens, in the order the language puts them
    return f"<!date^{int(moment.timestamp())}^{pattern}|{fallback}>"
