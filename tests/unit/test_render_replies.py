"""Block Kit renderers stay inside Slack's limits whatever the CRM holds."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from slack_sdk.models.blocks import DividerBlock

from bot.crm.base import AttentionDeal, ManagerStats, Owner
from bot.formatting import format_money, truncate
from bot.render.kit import inert, to_message
from bot.render.replies import help_blocks, stats_blocks
from bot.slack.commands import parse


def _stats(**changes: object) -> ManagerStats:
    values: dict[str, object] = {
        "owner": Owner("M1", "a@example.com", "Anna Berger"),
        "team_size": 4,
        "open_deals": 12,
        "open_value": Decimal("1234567.5"),
        "currency": "EUR",
        "stale_deals": 3,
        "deals_without_next_step": 2,
        "overdue_close_dates": 1,
        "activities_7d_manager": 0,
        "activities_7d_team": 17,
        "won_90d": 4,
        "lost_90d": 5,
        "own_open_deals": 3,
        "own_open_value": Decimal("250000"),
        "own_stale_deals": 1,
        "own_deals_without_next_step": 1,
        "own_overdue_close_dates": 0,
        "own_won_90d": 1,
        "own_lost_90d": 2,
        "stale_days": 14,
        "fetched_at": datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        "source": "Demo CRM",
        "attention": (),
    }
    values.update(changes)
    return ManagerStats(**values)  # type: ignore[arg-type]


def test_long_crm_names_are_cut_not_rejected() -> None:
    huge = AttentionDeal(
        "1", "<!channel> " + "X" * 5000, "Y" * 500, Decimal(1), ("stale", "overdue"), owner_id="R1"
    )

    message = to_message(stats_blocks(_stats(attention=(huge,) * 5), "en"), "fallback")

    attention = next(b for b in message["blocks"] if b.get("block_id") == "stats_attention")
    assert len(attention["text"]["text"]) <= 3000
    assert "<!channel>" not in attention["text"]["text"]  # CRM text cannot ping a channel
    assert "&lt;!channel&gt;" in attention["text"]["text"]


def test_no_open_deals_gets_an_encouraging_start() -> None:
    message = to_message(stats_blocks(_stats(open_deals=0, attention=()), "en"), "x")

    text = " ".join(b.get("text", {}).get("text", "") for b in message["blocks"] if b["type"] == "section")
    assert "no open deals" in text


def test_more_than_fifty_blocks_are_refused_before_slack_sees_them() -> None:
    with pytest.raises(ValueError, match="50 per message"):
        to_message([DividerBlock()] * 51, "x")


def test_help_renders_in_both_languages() -> None:
    for language in ("en", "de"):
        assert to_message(help_blocks(language, unknown_command="x" * 500), "x")["blocks"]


def test_money_and_truncation() -> None:
    assert format_money(Decimal("1234567.5"), "EUR", "en") == "€1,234,568"
    assert format_money(Decimal("1234567.4"), "EUR", "de") == "1.234.567\xa0€"
    assert format_money(Decimal("2.5"), "CHF", "de") == "3\xa0CHF"  # half up, as people round
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ("", "")), ("  Stats  ", ("stats", "")), ("ask how do I  start?", ("ask", "how do I  start?"))],
)
def test_command_text_is_split_into_subcommand_and_rest(text: str, expected: tuple[str, str]) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("answer", "posted"),
    [
        ("Hi <!channel> <!here> <!everyone>", "Hi &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;"),
        (
            "<!subteam^S0SALES|@sales> <@U0ANNA> <#C0SALES|sales>",
            "&lt;!subteam^S0SALES|@sales&gt; &lt;@U0ANNA&gt; &lt;#C0SALES|sales&gt;",
        ),
        ("see <https://evil.example|click> & more", "see &lt;https://evil.example|click&gt; &amp; more"),
        ("already &lt;!channel&gt; &amp; safe", "already &lt;!channel&gt; &amp; safe"),  # not escaped twice
    ],
)
def test_an_answer_cannot_carry_slack_control_sequences(answer: str, posted: str) -> None:
    assert inert(answer) == posted
    assert inert(inert(answer)) == posted
