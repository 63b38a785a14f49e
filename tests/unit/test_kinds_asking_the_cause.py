"""A figure question that asks how it came to this asks for the cause, as "why" does: coaching, not a
number ("7 von 20 verloren … wie passiert sowas"); the same figure asked without it stays numbers
(prompts/kinds/<lang>.toml, [numbers] coaching)."""

from __future__ import annotations

import pytest

from bot.coaching.kinds import MessageClassifier

CASES = [
    (
        "von den 20 deals die im september im forecast als 'sicher' drin waren haben wir 7 verloren. 7!! "
        "wie passiert sowas",
        "coaching",
    ),
    ("12 überfällige deals im team, wie kommt das?", "coaching"),
    ("wie konnte es passieren, dass 30 deals keinen nächsten schritt haben?", "coaching"),
    ("show overdue deals, how come there are so many?", "coaching"),
    ("we lost 9 deals last month, how did that happen?", "coaching"),
    ("how could it happen that half our deals have no next step", "coaching"),
    # the figure alone stays a number
    ("wie viele deals haben wir im september verloren?", "numbers"),
    ("show overdue deals", "numbers"),
    ("how many deals have no next step?", "numbers"),
]


@pytest.mark.parametrize(("message", "kind"), CASES)
def test_asking_how_it_came_to_this_is_coaching(
    classifier: MessageClassifier, message: str, kind: str
) -> None:
    result = classifier.classify(message)

    assert (result.kind, message) == (kind, message), result.reason
