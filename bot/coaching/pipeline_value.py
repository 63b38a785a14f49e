"""The open pipeline's value as users read it: the main currency's total, then each other currency's.

We have no exchange rates, so totals in different currencies are never added: "€1,000,000 (+ $300,000
in 2 USD deals)" / „1.000.000 € (+ 300.000 $ in 2 USD-Deals)“.
"""

from __future__ import annotations

from babel.lists import format_list

from bot.crm.base import CurrencyTotal, ManagerStats
from bot.formatting import format_int, format_money
from bot.i18n import Language, babel_locale, t, tn


def pipeline_value_text(stats: ManagerStats, language: Language, *, own: bool = False) -> str:
    """The team's open value (or the manager's own), each currency's total apart."""
    if own:
        amount, others, deals = stats.own_open_value, stats.own_other_open_values, stats.own_open_deals
    else:
        amount, others, deals = stats.open_value, stats.other_open_values, stats.open_deals
    main = format_money(amount, stats.currency, language)
    if not others:
        return main
    listed = format_list([_other_text(total, language) for total in others], locale=babel_locale(language))
    if deals <= sum(total.deals for total in others):
        # none of these deals is in the main currency (a manager's own, in the team's other currency):
        # "€0 (+ …)" would suggest deals that are not there
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
