"""`crmcoach ask --json` gives every number's fields in one order, whether the number is the open value a
biggest-deals ranking is drawn from or a stage's count or value: metric, scope, value, of, currency,
other_currencies, stage (each where it applies), so a reader sees the same shape in both answers."""

from __future__ import annotations

import pytest

from bot.crm.base import ManagerStats
from tests.helpers import ANNA, ask_json

ORDER = ["metric", "scope", "value", "of", "currency", "other_currencies", "stage"]


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        ("my 3 biggest deals", {"currency", "other_currencies"}),
        ("how many deals are in negotiation?", {"stage", "currency"}),
        ("Deals pro Phase?", {"stage", "currency"}),
    ],
)
def test_every_number_of_a_ranking_or_a_stage_has_its_fields_in_one_order(
    anna_today: ManagerStats, capsys: pytest.CaptureFixture[str], question: str, fields: set[str]
) -> None:
    numbers = ask_json(question, capsys, "--user", ANNA)["numbers"]

    assert any(fields <= set(number) for number in numbers), numbers
    for number in numbers:
        assert list(number) == [field for field in ORDER if field in number], number
