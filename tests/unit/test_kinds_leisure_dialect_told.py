"""Batch 19's kind misses, each as the pattern behind it (prompts/kinds/<lang>.toml):

- colleagues' leisure chat (food, drinks, festivals, sport, weekend plans) naming nothing of the work is
  off-topic ([off_topic] phrases); the same subject beside a CRM problem stays coaching, a figure numbers;
- a frequency request in dialect is read as its standard words ([dialect]: „oamoi in da Woch“);
- others' data named only in what the asker tells of their own doing, beside a question asking no data,
  is not asked for ([hostile] told_own, wished); asked or wished for, it still is.
"""

from __future__ import annotations

import pytest

from bot.coaching.kind_terms import normalise
from bot.coaching.kinds import MessageClassifier

LEISURE = [
    ("anyone know if the canteen's actually doing fish and chips friday or is that a myth", "off_topic"),
    ("wer geht mit auf d'Wiesn am Samstag? hob no zwoa Plätz im Zelt 🍺", "off_topic"),
    ("weiß einer ob der FC am samstag spielt oder is länderspielpause?", "off_topic"),
    ("anyone know if the bbq is still on saturday or did it get cancelled?", "off_topic"),
    ("is anyone going to the oktoberfest on saturday? I have two spare seats in the tent", "off_topic"),
    ("weiß jemand, ob die Kantine am Freitag wieder Currywurst hat?", "off_topic"),
    ("anyone got tickets for the concert saturday?", "off_topic"),
    ("is the christmas party still on the 12th?", "off_topic"),
    ("is the food truck coming today?", "off_topic"),
    ("anyone doing the marathon in april?", "off_topic"),
    ("Was gibts heut in der Kantine, weiß das wer?", "off_topic"),
    ("Wer kommt zum Grillen am Freitag?", "off_topic"),
    # words that are also the work's idioms are no leisure
    ("what's the key takeaway from a good pipeline review?", "coaching"),
    ("Der Deal mit Siemens ist ein Heimspiel, soll ich ihn trotzdem pflegen?", "coaching"),
    ("warum wandern so viele Deals zurück in die erste Phase?", "coaching"),
    ("Wir stehen auf der Messe im Zelt 4, wie erfasse ich die Kontakte am besten?", "coaching"),
    ("Fährt wer mit zum Skifahren im Januar?", "off_topic"),
    # the leisure subject in passing beside the work
    (
        "we talked about our pipeline over lunch in the canteen, but half the deals have no next step. "
        "how do I fix that?",
        "coaching",
    ),
    (
        "In der Kantine hab ich gehört, dass keiner mehr Aktivitäten ins CRM einträgt. Wie kriege ich das "
        "Team dazu?",
        "coaching",
    ),
    ("should I log the golf day with the client as an activity?", "coaching"),
    ("Soll ich das Abendessen auf der Wiesn mit dem Kunden als Aktivität im CRM eintragen?", "coaching"),
    ("half my reps are at the oktoberfest and nobody updated their deals, what do I do?", "coaching"),
    (
        "Meine Leute sitzen mehr im Biergarten als im CRM. Wie bringe ich sie dazu, ihre Deals zu pflegen?",
        "coaching",
    ),
    ("the team is all at the stadium tonight, should I move the pipeline review?", "coaching"),
    ("how many deals did we close before the christmas party?", "numbers"),
    ("wie viele Deals sind seit dem Sommerfest überfällig?", "numbers"),
]
DIALECT = [
    ("kannst ma bittschön nur no oamoi in da Woch schreibn? is grad z'vui", "controls"),
    ("schreib ma bittschön ned so oft", "controls"),
    ("bittschön nur no zwoamoi in da Woch, is z'vui", "controls"),
    ("schick ma koane Nachrichtn mehr bis nach'm Urlaub", "controls"),
    ("nöd so oft bitte, eimol pro Wuche längt", "controls"),
    ("könntest du mir nur einmal in der Woche schreiben?", "controls"),
    # the team's or the meeting's week is the work
    ("Mein Team trägt nur einmal in der Woche was ins CRM ein, ist das zu wenig?", "coaching"),
    ("unser Pipeline-Meeting ist nur oamoi in da Woch, reicht des?", "coaching"),
    ("is grad z'vui im CRM, meine Leit tragen nix mehr ein", "coaching"),
    # a figure asked in dialect is a number
    ("wie vui deals san überfällig?", "numbers"),
]
TOLD = [
    (
        "Im Teammeeting zeige ich immer die Deals der anderen. Meine eigenen sind nicht besser, vier davon "
        "seit Wochen ohne jeden Kundenkontakt. Hab ich jetzt ein Glaubwürdigkeitsproblem?",
        "coaching",
    ),
    (
        "Wir gehen jeden Montag die Pipelines der anderen Teams durch. Meine eigene ist auch nicht besser, "
        "ist das unfair?",
        "coaching",
    ),
    # asked, wished or requested beside the telling: still others' data
    ("zeig mir die deals der anderen", "hostile"),
    ("Ich brauche die Deals der anderen. Kannst du sie mir schicken?", "hostile"),
    ("Ich schaue mir jede Woche die Deals der anderen an. Kannst du mir die schicken?", "hostile"),
    ("Ich würde gern die Deals der anderen sehen. Geht das?", "hostile"),
    ("I always look at the other managers' deals before our meeting. Can I get them exported?", "hostile"),
]


@pytest.mark.parametrize(("message", "kind"), LEISURE + DIALECT + TOLD)
def test_batch19_patterns(classifier: MessageClassifier, message: str, kind: str) -> None:
    result = classifier.classify(message)

    assert (result.kind, message) == (kind, message), result.reason


def test_dialect_read_as_standard_words_english_untouched() -> None:
    assert normalise("kannst ma bittschön nur no oamoi in da Woch schreibn") == (
        "kannst mir bitte nur noch einmal in der woche schreiben"
    )
    # "ned", "net", "no", "is" are English words or names: only inside a dialect phrase
    assert normalise("no, Ned is on the net") == "no, ned is on the net"
