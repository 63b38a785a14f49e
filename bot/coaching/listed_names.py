"""Deal and owner names as the deal lists show them (cut to a line's length), and every name a list
can quote, so Slack's render can keep them from restyling the answer (the CLI shows them as written)."""

from __future__ import annotations

from bot.crm.base import ListedDeal, ManagerStats
from bot.formatting import truncate

DEAL_NAME_CHARS = 80
OWNER_NAME_CHARS = 60


def deal_name(deal: ListedDeal) -> str:
    return truncate(deal.name, DEAL_NAME_CHARS)


def owner_name(deal: ListedDeal) -> str:
    return truncate(deal.owner_name, OWNER_NAME_CHARS)


def listed_names(stats: ManagerStats) -> tuple[str, ...]:
    """The names any deal list of these numbers can show: the deals worth a look and the rankings."""
    deals = (*stats.attention, *stats.biggest_open_deals, *stats.own_biggest_open_deals)
    return tuple(dict.fromkeys(name for deal in deals for name in (deal_name(deal), owner_name(deal))))
