"""Round 14 narrowed after review: the coach belittled counts only said to it in a message that asks
nothing (not quoted, not a generic "you", not a lead-in to a question); „lokal“ only as the eating place;
a season is a business time only beside work other than the team; "pipe" is evidence only beside the
deals; bare "relationships" / „Beziehungen“ are no evidence (customers' are)."""

from __future__ import annotations

import pytest

from bot.coaching.kinds import MessageClassifier

CASES: list[tuple[str, str]] = [
    # 1. a belittling phrase in a question about the work, quoted, generic or as a lead-in
    ("what do I do when I inherit an account and you know nothing about the customer's history?", "coaching"),
    ("what if you have no clue why a deal was lost?", "coaching"),
    ("if you have no clue which deals are real, how do you forecast?", "numbers"),
    ("my senior rep told me 'don't tell me how to run my accounts' - how do I handle him?", "coaching"),
    ("Mein bester Verkäufer sagt: sag mir nicht, wie ich verkaufen soll. Wie gehe ich damit um?", "coaching"),
    (
        "how do I deal with a rep who keeps saying 'you have no clue what it's like in the field'?",
        "tool_howto",
    ),
    ("you're just a bot, but maybe you can help: how do I get reps to log calls?", "coaching"),
    # ...said to the coach, asking nothing: hostile ("how to" inside the phrase is no plea for help)
    (
        "was für ein schwachsinn. du bist ein chatbot und hast null ahnung von vertrieb, "
        "erzähl mir nicht wie ich mein team führen soll",
        "hostile",
    ),
    (
        "what a load of rubbish. you're just a chatbot and you know nothing about sales, "
        "don't tell me how to run my team",
        "hostile",
    ),
    ("you have no clue about selling, stop telling me how to manage my reps", "hostile"),
    # 2. „lokal(e)“ the adjective is no errand; the eating place is
    ("Wie führe ich lokale Vertriebsteams in drei Ländern?", "coaching"),
    ("Unsere lokale Konkurrenz unterbietet uns ständig, wie reagiere ich?", "coaching"),
    ("kennt jemand ein gutes lokal in der nähe vom bahnhof? kunde kommt morgen", "off_topic"),
    ("schönes Lokal für ein Kundenessen in Frankfurt?", "off_topic"),
    # 3. the team alone makes no season a business time
    ("before christmas I'd like to take my team out for drinks, any ideas?", "off_topic"),
    ("we keep losing tenders right before the holiday season, what are we missing?", "coaching"),
    # 4. "pipe" beside no deals is plumbing
    ("the water pipe burst in the office kitchen, who do I call?", "off_topic"),
    ("team pipe?", "numbers"),
    # 5. bare relationships are no work
    ("meine Beziehungen zu meinen Nachbarn sind schwierig", "off_topic"),
]


@pytest.mark.parametrize(("message", "kind"), CASES)
def test_round14_review_kinds(classifier: MessageClassifier, message: str, kind: str) -> None:
    result = classifier.classify(message, reflection_pending=False)

    assert (result.kind, message) == (kind, message), result.reason


@pytest.mark.parametrize(
    "message",
    [
        "my relationships with my neighbours are difficult",
        "meine Beziehungen zu meinen Nachbarn sind schwierig",
        "the water pipe burst in the office kitchen, who do I call?",
        "my kitchen pipe is leaking again",
    ],
)
def test_private_relationships_and_plumbing_are_no_work(classifier: MessageClassifier, message: str) -> None:
    assert classifier.work_evidence(message) is None
