"""Open deals per pipeline stage: which stages a manager's breakdown lists, in which order, with what."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bot.crm.base import DealStage, StageTotal


@dataclass(frozen=True, slots=True)
class StageSlot:
    """One line of the breakdown: a label and every stage id shown under it."""

    label: str
    stage_ids: tuple[str, ...]


@dataclass(slots=True)
class OpenByStage:
    """One owner's open deals by stage, and their amounts by (stage, currency)."""

    deals: Counter[str] = field(default_factory=Counter)
    values: defaultdict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @classmethod
    def combined(cls, parts: Iterable[OpenByStage]) -> OpenByStage:
        total = cls()
        for part in parts:
            total.deals.update(part.deals)
            for key, value in part.values.items():
                total.values[key] += value
        return total

    def add(self, stage: str, currency: str, *, deals: int, value: Decimal) -> None:
        self.deals[stage] += deals
        self.values[stage, currency] += value


def stage_slots(stages: Sequence[DealStage], open_stage_ids: Iterable[str]) -> tuple[StageSlot, ...]:
    """The CRM's open stages in pipeline order, stages of the same label (several pipelines often share
    "Negotiation") on one line at the first one's place; a closed or retired stage only while open
    deals are in it; then the stage ids of open deals the CRM did not describe, sorted, as labels."""
    seen = set(open_stage_ids)
    known = {stage.stage_id for stage in stages}
    ids_by_label: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for stage in stages:
        if not stage.for_open_deals and stage.stage_id not in seen:
            continue
        key = stage.label.strip().casefold()
        labels.setdefault(key, stage.label.strip())
        ids_by_label.setdefault(key, []).append(stage.stage_id)
    slots = [StageSlot(labels[key], tuple(ids)) for key, ids in ids_by_label.items()]
    slots.extend(StageSlot(stage_id, (stage_id,)) for stage_id in sorted(seen - known))
    return tuple(slots)


def stage_totals(
    slots: Sequence[StageSlot], open_deals: OpenByStage, currency: str
) -> tuple[StageTotal, ...]:
    """Per slot: the open deals in its stages, and the summed amount of those in `currency`."""
    return tuple(
        StageTotal(
            stage=slot.label,
            deals=sum(open_deals.deals[stage_id] for stage_id in slot.stage_ids),
            value=sum(
                (open_deals.values.get((stage_id, currency), Decimal(0)) for stage_id in slot.stage_ids),
                Decimal(0),
            ),
        )
        for slot in slots
    )
