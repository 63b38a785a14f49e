"""Round 14 (batch 20 dev misfires), each by its general cause: an insult stem that also spells a harmless
word ("nervous", „nervös“, "dummy", „lahmgelegt“), a season used as a business time ("before the christmas
season", „vor dem Weihnachtsgeschäft“), managers' slang for the pipeline ("pipe"), the coach belittled
("you're just a chatbot, you know nothing about sales"), a place to eat asked for beside a client, and
"just the list, no lecture" asking for the figures only."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric
from bot.coaching.kind_lists import term_lists
from bot.coaching.kinds import MessageClassifier
from bot.i18n import Language

CASES: list[tuple[str, str]] = [
    # 1. "nerv*" also spelled "nervous" / „nervös“: only the insulting forms are insults
    (
        "Lars is leaving end of next month … half of what he knows isnt written down anywhere. "
        "nervous we lose those relationships",
        "coaching",
    ),
    ("our best person quits in june and I'm nervous those relationships walk out with her", "coaching"),
    ("bin nervös, dass die beziehungen zu den großen häusern mit ihm gehen", "coaching"),
    ("jonas hört im sommer auf. nervös, dass diese beziehungen dann weg sind", "coaching"),
    (
        "Ehrlich gesagt macht mich nervös, dass die Beziehungen zu den Großkunden nur in Jonas' Kopf sind.",
        "coaching",
    ),
    ("we use dummy deals for training the new hires, should they stay in the pipeline?", "coaching"),
    ("das Update hat unser CRM zwei Tage lahmgelegt, wie holen die Leute die Aktivitäten nach?", "coaching"),
    ("my relationship with my girlfriend is rocky", "off_topic"),
    # ...near misses: the insulting forms stay hostile, a nervous rep stays coaching
    ("you're getting on my nerves", "hostile"),
    ("du nervst", "hostile"),
    ("du bist echt nervig, lass mich", "hostile"),
    ("dieser bot nervt einfach nur", "hostile"),
    ("du bist so dumm", "hostile"),
    ("a nervous rep asked me how to log calls", "coaching"),
    # 2. a season as a business time beside the work
    (
        "lost 6 of the last 8 couverture tenders to a dutch distributor. price wasnt always the reason. "
        "want to figure out what we keep missing before the christmas season starts",
        "coaching",
    ),
    ("we keep losing tenders right before the holiday season, what are we missing?", "coaching"),
    ("lost two tenders before christmas again. what do we keep getting wrong?", "coaching"),
    (
        "vor weihnachten verlieren wir immer die ausschreibungen gegen den großhändler. woran liegt das?",
        "coaching",
    ),
    ("bis weihnachten will ich verstehen, warum wir die ausschreibungen verlieren", "coaching"),
    ("wir verlieren ausschreibungen ständig kurz vor weihnachten, was machen wir falsch?", "coaching"),
    ("Wie kriege ich die Pipeline vor dem Weihnachtsgeschäft sauber?", "coaching"),
    # ...near misses: a season with nothing of the work stays small talk
    ("merry christmas everyone", "off_topic"),
    ("what are you doing for christmas?", "off_topic"),
    ("frohe Weihnachten euch allen!", "off_topic"),
    ("any plans before christmas?", "off_topic"),
    # 3. "pipe" is the pipeline
    ("team pipe value rn?", "numbers"),
    ("whats my pipe value", "numbers"),
    ("my pipe value?", "numbers"),
    ("team pipe?", "numbers"),
    ("wie hoch ist der pipe-wert im team?", "numbers"),
    ("Pipewert vom Team?", "numbers"),
    ("the pipe burst in the office kitchen", "off_topic"),
    # 4. the coach belittled: no clue, just a chatbot, don't tell me how to lead
    (
        "was für ein schwachsinn. du bist ein chatbot und hast null ahnung von vertrieb, "
        "erzähl mir nicht wie ich mein team führen soll",
        "hostile",
    ),
    ("you're a chatbot, you know nothing about sales, don't tell me how to run my team", "hostile"),
    ("you have no clue about selling, stop telling me how to manage my reps", "hostile"),
    ("du hast keine ahnung vom vertrieb, sag mir nicht wie ich meine leute führen soll", "hostile"),
    ("Du bist nur ein Bot, erzähl mir nicht, wie ich mein Team führe.", "hostile"),
    # ...near misses: the asker's own lack of a clue, or a rep's, asks for help
    ("ich hab null ahnung, wie ich mein team zum pflegen der deals bringe", "coaching"),
    ("my new rep has no clue how to log calls, how do I teach him?", "coaching"),
    # 5. a place to eat (or stay) asked for beside a client
    ("anyone know a decent bouchon near Bellecour? client flying in from Milan tmrw", "off_topic"),
    ("need a good brasserie near the trade fair, taking a client out tonight", "off_topic"),
    ("any decent trattoria around the old town? customer in town tomorrow", "off_topic"),
    ("kennt jemand eine gute trattoria in der nähe vom messegelände? kunde kommt morgen", "off_topic"),
    ("kennt jemand ein gutes lokal in der nähe vom bahnhof? kunde kommt morgen", "off_topic"),
    ("wo gibts eine gute brasserie in lyon? kunde kommt morgen aus mailand", "off_topic"),
    # ...near miss: logging the client dinner is the work
    ("took a client to a brasserie last night, how do I log that in the crm?", "coaching"),
    # 6. "just the list / no lecture": the figures only
    (
        "which of sandra's opps have gone longest without any activity? just the list pls, no lecture",
        "numbers",
    ),
    ("whose opps have sat untouched the longest? just the list pls, no lecture", "numbers"),
    ("which of tom's opps have gone quiet the longest? just the list, no lecture", "numbers"),
    (
        "welche opps von jonas liegen am längsten ohne aktivität rum? nur die liste bitte, keine predigt",
        "numbers",
    ),
    ("Welche Deals haben keinen nächsten Schritt? Bloß die Liste, keinen Vortrag.", "numbers"),
    # ...near miss: "how do I" beside it still asks for advice
    ("how do I get my team to fix their overdue deals? no lecture, short answer", "coaching"),
]


@pytest.mark.parametrize(("message", "kind"), CASES)
def test_round14_kinds(classifier: MessageClassifier, message: str, kind: str) -> None:
    result = classifier.classify(message, reflection_pending=False)

    assert (result.kind, message) == (kind, message), result.reason


@pytest.mark.parametrize(
    "message",
    [
        "Lars is leaving end of next month, nervous we lose those relationships",
        "wie halten wir die Kundenbeziehungen, wenn Jonas geht?",
        "jonas hört im sommer auf. nervös, dass diese beziehungen dann weg sind",
    ],
)
def test_relationships_are_the_work(classifier: MessageClassifier, message: str) -> None:
    assert classifier.work_evidence(message) is not None


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "team pipe value rn?", "open_value"),
        ("en", "what's my pipe value", "own_open_value"),
        ("de", "wie hoch ist der pipe-wert im team?", "open_value"),
        ("de", "Pipewert vom Team?", "open_value"),
        ("en", "what's the pipe worth in my team?", "open_value"),
    ],
)
def test_pipe_value_is_the_open_value(language: Language, question: str, metric: str) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("word", "insult"),
    [
        *((word, False) for word in ("nervous", "nervös", "nervosität", "nerves", "dummy", "dummerweise")),
        *((word, False) for word in ("lahmgelegt", "lahmlegen")),
        *((word, True) for word in ("nervig", "nervt", "nervst", "genervt", "nervtötend", "nervensäge")),
        *((word, True) for word in ("dumm", "dummer", "dummkopf", "lahm", "lahmer", "lahmarsch")),
    ],
)
def test_insult_stems_spare_harmless_words(word: str, insult: bool) -> None:
    assert (term_lists().insults.first(word) is not None) == insult
