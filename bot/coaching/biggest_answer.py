"""The answer to a question asking for the biggest deals: the ranking, the team's or the manager's own,
biggest first with owner and amount, after one line on the whole it is drawn from (how many open deals,
worth how much in each currency); that value and count are the figures the answer states
(`ranked_metrics`)."""

from __future__ import annotations

from bot.coaching.asked_biggest import BiggestReading
from bot.coaching.listed_names import deal_name, owner_name
from bot.coaching.pipeline_value import pipeline_value_text
from bot.crm.base import BIGGEST_DEALS_LIMIT, ManagerStats
from bot.formatting import format_int, format_money
from bot.i18n import Language, t, tn

BIGGEST_DEALS_SHOWN = 5  # when the question says no number


def ranked_metrics(stats: ManagerStats, reading: BiggestReading) -> tuple[str, ...]:
    """The open value and open deals the ranking's whole line states, in its scope ("own_open_value",
    "own_open_deals" for the manager's own), or none when there is no ranking to list (no deal with an
    amount, or numbers stored before the ranking)."""
    deals = stats.own_biggest_open_deals if reading.own else stats.biggest_open_deals
    if not deals:
        return ()
    return ("own_open_value", "own_open_deals") if reading.own else ("open_value", "open_deals")


def biggest_deals_text(stats: ManagerStats, language: Language, reading: BiggestReading) -> str:
    """The biggest open deals, the team's or the manager's own, biggest first with owner and amount,
    as many as asked (default BIGGEST_DEALS_SHOWN, at most BIGGEST_DEALS_LIMIT), after the open deals
    and value they are drawn from; "" for numbers stored before they held the ranking (the caller
    lists the deals worth a look instead)."""
    scope = "own" if reading.own else "team"
    deals, value, others = (
        (stats.own_biggest_open_deals, stats.own_open_value, stats.own_other_open_values)
        if reading.own
        else (stats.biggest_open_deals, stats.open_value, stats.other_open_values)
    )
    if not deals:
        if reading.own and stats.own_open_deals == 0:
            return t(language, "kinds.biggest_no_own_deals", crm=stats.source)
        with_amount = value > 0 or any(total.amount > 0 for total in others)
        return "" if with_amount else t(language, f"kinds.biggest_none_{scope}", crm=stats.source)
    asked = reading.count or BIGGEST_DEALS_SHOWN
    wanted = min(asked, BIGGEST_DEALS_LIMIT)
    shown = deals[:wanted]
    open_deals = stats.own_open_deals if reading.own else stats.open_deals
    lines = [
        tn(language, f"kinds.biggest_title_{scope}", len(shown)),
        tn(
            language,
            f"kinds.biggest_whole_{scope}",
            open_deals,
            count=format_int(open_deals, language),
            value=pipeline_value_text(stats, language, own=reading.own),
        ),
    ]
    if reading.unfiltered:  # asked for a filter the ranking cannot apply: say so, once
        lines.append(t(language, f"kinds.biggest_unfiltered_{reading.unfiltered}", crm=stats.source))
    lines += [
        t(
            language,
            f"kinds.biggest_item_{scope}",
            name=deal_name(deal),
            owner=owner_name(deal),
            amount=format_money(deal.amount, deal.currency, language),
        )
        for deal in shown
    ]
    if len(shown) < wanted:  # every deal with an amount is shown
        lines.append(tn(language, f"kinds.biggest_fewer_{scope}", len(shown)))
    elif asked > BIGGEST_DEALS_LIMIT:  # the ranking is cut at the limit: more may have an amount
        lines.append(t(language, "kinds.biggest_limit", limit=BIGGEST_DEALS_LIMIT, crm=stats.source))
    return "\n".join(lines)
