"""Numbers and money the way English and German readers expect them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.i18n import Language


def format_int(value: int | Decimal, language: Language) -> str:
    rounded = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = f"{rounded:,}"
    return text.replace(",", ".") if language == "de" else text


def format_money(amount: Decimal, currency: str, language: Language) -> str:
    number = format_int(amount, language)
    return f"{number} {currency}" if language == "de" else f"{currency} {number}"


def truncate(text: str, limit: int) -> str:
    """Cut text to Slack's limit with an ellipsis, so a long CRM name never breaks a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
