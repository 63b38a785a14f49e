"""The open pipeline's value as users read it: the main currency's total, then each other currency's.

We have no exchange rates, so totals in different currencies are never added: "€1,000,000 (+ $300,000
in 2 USD deals)" / „1.000.000 € (+ 300.000 $ in 2 USD-Deals)“. A CRM with many currencies lists the
ones with the most deals, then how many more there are, so the stats card and the sentences stay short.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.lists import format_list

from bot.crm.base import CurrencyTotal, ManagerStats
from bot.formatting import format_int, format_money
from bot.i18n import Language, babel_locale, t, tn

OTHER_CURRENCIES_SHOWN = 3


@dataclass(frozen=True, slots=True)
class PipelineValue:
    """What the value text states: the main currency's total (None when none of the deals is in it),
    the other currencies it lists (most deals first) and how many it leaves unlisted."""

    main: Decimal | None
    currency: str
    listed: tuple[CurrencyTotal, ...]
    unlisted: int


def pipeline_value(stats: ManagerStats, *, own: bool = False) -> PipelineValue:
    if own:
        amount, others, deals = stats.own_open_value, stats.own_other_open_values, stats.own_open_deals
    else:
        amount, others, deals = stats.open_value, stats.other_open_values, stats.open_deals
    # none of these deals in the main currency (a manager's own, in the team's other currency):
    # "€0 (+ …)" would suggest deals that are not there
    main = amount if not others or deals > sum(total.deals for total in others) else None
    most_deals_first = sorted(others, key=lambda total: (-total.deals, total.currency))
    return PipelineValue(
        main,
        stats.currency,
        tuple(most_deals_first[:OTHER_CURRENCIES_SHOWN]),
        max(len(others) - OTHER_CURRENCIES_SHOWN, 0),
    )


def pipeline_value_text(stats: ManagerStats, language: Language, *, own: bool = False) -> str:
    """The team's open value (or the manager's own), each currency's total apart."""
    value = pipeline_value(stats, own=own)
    main = format_money(value.main or Decimal(0), value.currency, language)
    if not value.listed:
        return main
    parts = [_other_text(total, language) for total in value.listed]
    if value.unlisted:
        count = format_int(value.unlisted, language)
        parts.append(tn(language, "pipeline_value.more_currencies", value.unlisted, count=count))
    listed = format_list(parts, locale=babel_locale(language))
    if value.main is None:
        return listed
    return t(language, "pipeline_value.with_others", main=main, others=listed)


def _other_text(total: CurrencyTotal, language: Language) -> str:
    return tn(
        language,
        "pipeline_value.other_currency",
        total.deals,
        amount=format_money(total.amount, total.currency, language),
        count=format_int(total.deals, language),
        currency=total.currency,
    )
