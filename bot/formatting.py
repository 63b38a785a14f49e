"""Numbers, money, percentages and dates the way English and German readers expect them (Babel/CLDR)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import NumberPattern, format_decimal
from babel.numbers import format_percent as babel_format_percent

from bot.i18n import Language, babel_locale


def _whole(value: int | float | Decimal) -> int:
    """Half up, as people round (Python and Babel round half to even)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_int(value: int | Decimal, language: Language) -> str:
    """1234567 -> '1,234,567' / '1.234.567'."""
    return format_decimal(_whole(value), locale=babel_locale(language))


def format_money(amount: Decimal, currency: str, language: Language) -> str:
    """Whole units in the locale's currency format: '€1,234' / '1.234 €' (CHF 12 / 12 CHF)."""
    locale = babel_locale(language)
    pattern = _whole_currency_pattern(locale)
    return str(pattern.apply(Decimal(_whole(amount)), locale, currency=currency, currency_digits=False))


def format_percent(share: float, language: Language) -> str:
    """A share as a whole percentage: 0.305 -> '31%' / '31 %'."""
    return babel_format_percent(_whole(share * 100) / 100, locale=babel_locale(language))


def format_date(day: date, language: Language) -> str:
    """'Dec 24, 2026' / '24.12.2026'."""
    return babel_format_date(day, format="medium", locale=babel_locale(language))


@cache
def _whole_currency_pattern(locale: Locale) -> NumberPattern:
    pattern: NumberPattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)  # pipeline values are shown in whole units: cents would be noise
    return pattern


def truncate(text: str, limit: int) -> str:
    """Cut text to Slack's limit with an ellipsis, so a long CRM name never breaks a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
