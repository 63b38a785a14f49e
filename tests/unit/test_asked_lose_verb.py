"""The asked metric (prompts/coach/metric_terms.toml) where a message names no family's usual words: the
verb "lose" about a person, a client or everything is a worry about keeping them, not the lost count
([lose_about]); a number of deals the message is about is the open deals ([stated]); deals a rep tells
of that the CRM lacks are the open deals ([told]). Real lost-count questions still read the lost count,
and a number of deals that carries a family keeps it. In English and German."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric
from bot.i18n import Language


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "en",
            "My senior KAM has resigned, notice period ends in 3 weeks. He owns 25 open deals in "
            "Salesforce. How to make sure we don't lose everything when he goes?",
            "open_deals",
        ),
        (
            "de",
            "unser top-personalberater kündigt, letzter tag ende des monats. der hat 25 offene deals. wie "
            "übergeb ich das sauber? don't want to lose those clients",
            "open_deals",
        ),
        (
            "de",
            "unser bester Verkäufer geht, er hat 30 offene Deals. wie verlieren wir da nicht alles?",
            "open_deals",
        ),
        ("de", "wie spreche ich das an, ohne ihn zu verlieren?", None),
        ("de", "wie sage ich es ihr, ohne sie zu verlieren?", None),
        ("de", "ich will den Kunden nicht verlieren, der Vertriebler geht aber", None),
        ("de", "wie verhindern wir, dass wir Kunden verlieren, wenn ein KAM geht?", None),
        ("de", "ich verliere jeden Montag eine Stunde mit Excel-Listen", None),
        ("en", "how do I raise it without losing him?", None),
        ("en", "she's our top performer, how do I push her on CRM hygiene without losing her?", None),
        ("en", "we can't afford to lose that account, but the rep never updates it", None),
        ("en", "how do I keep the team motivated without losing my best people?", None),
        ("en", "every week I lose two hours building reports by hand", None),
        ("en", "how do I tell my rep his forecast is wishful without losing his trust?", None),
    ],
)
def test_lose_about_a_person_or_client_is_no_lost_count(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "how many deals did we lose to competitors"),
        ("en", "why do we lose so many deals in the proposal stage?"),
        ("en", "we keep losing deals where the client goes quiet after the demo"),
        ("en", "how many clients did we lose last quarter?"),
        ("en", "we lost the account to a competitor last week, how do I run a loss review?"),
        ("de", "wie viele deals haben wir verloren"),
        ("de", "warum verlieren wir so viele Deals an die Konkurrenz"),
        ("de", "wie viele Kunden haben wir dieses Quartal verloren?"),
        ("de", "verlieren wir beim Kunden Müller jetzt auch noch den Deal?"),
        ("de", "ist es normal, dass wir 60 % unserer Deals verlieren?"),
    ],
)
def test_real_lost_count_questions_still_read_lost(language: Language, question: str) -> None:
    assert asked_metric(question, language) == "lost_90d"


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "en",
            "Pipeline revue takes 2 hrs every monday. we go deal by deal through all 120 opps and everyone "
            "zones out after 20 min. me included if im honest",
            "open_deals",
        ),
        (
            "en",
            "our team has 150 opps in the pipeline review and nobody listens after 10 minutes",
            "open_deals",
        ),
        ("en", "I have 45 deals and no idea where to start each morning", "own_open_deals"),
        ("en", "each rep carries 60 opportunities, is that too many to manage?", "open_deals"),
        ("de", "mein team hat 200 Opportunities, wie priorisiere ich im Meeting?", "open_deals"),
        ("de", "jeder Vertriebler hat 70 Verkaufschancen, ist das zu viel?", "open_deals"),
        # a number of deals that carries a family keeps it
        ("en", "12 deals without a next step, how do I get the team to fix that", "deals_without_next_step"),
        ("en", "we have 30 deals that haven't been touched in weeks, what do I do", "stale_deals"),
        ("en", "we lost 5 deals to the same competitor, what do I change", "lost_90d"),
        ("de", "wir haben 15 Deals ohne nächsten Schritt, wie ändere ich das?", "deals_without_next_step"),
        ("de", "wir haben 10 Deals abgeschlossen, wie halte ich den Schwung?", "won_90d"),
        ("en", "we have about 120 deals and the weekly review takes all morning", "open_deals"),
        # a number of some deals of a kind the words do not name is no whole set
        # …but the metric model reads the close dates gone by (asked_model.py)
        (
            "en",
            "17 deals on my team still say they'll close in march. its june. what now",
            "overdue_close_dates",
        ),
        ("en", "my 1:1s are me going through 15 deals one by one asking 'whats the status'", None),
        ("de", "wir rasen in jedem 1:1 über 10 deals drüber und am ende ändert sich nichts", None),
        # in a one-on-one, one rep's deals gone through: how deep the talk goes
        ("de", "Wir gehen im 1:1 immer alle 30 Opps durch und am Ende bleibt nix hängen", None),
        ("en", "in every one-on-one we go through all 25 of his deals, it's pointless", None),
        # no number of deals: a ranking, reps, days
        ("en", "top 5 deals review: what should I ask?", None),
        ("en", "we have 12 reps and 3 managers, how should I structure 1:1s", None),
        ("de", "in 30 Tagen soll das CRM laufen, wie plane ich das?", None),
    ],
)
def test_a_stated_number_of_deals_is_the_open_deals(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "de",
            "Ein Vertribler aus meinem Team erzählt im Einzelgespräch immer von „mindestens fünf heißen "
            "Projekten“ bei den Stadtwerken, in Dynamics finde ich davon genau eins. Wie gehe ich damit um?",
            "open_deals",
        ),
        ("de", "sie redet im Jour fixe von drei neuen Projekten, im System steht nur eins", "open_deals"),
        (
            "de",
            "ein Verkäufer behauptet, er hätte acht Deals in Verhandlung, in HubSpot sehe ich drei",
            "open_deals",
        ),
        (
            "en",
            "one of my reps always talks about 6 hot deals, I can find one in salesforce. what do I do?",
            "open_deals",
        ),
        ("en", "he claims to have 10 deals in negotiation, in hubspot I see 2", "open_deals"),
        (
            "en",
            "she tells me about 5 promising deals every 1:1 but I can't find them in pipedrive",
            "open_deals",
        ),
        # another family named keeps it; told without the CRM names none
        (
            "en",
            "my rep talks about 6 hot deals but in salesforce none has a next step",
            "deals_without_next_step",
        ),
        ("de", "er erzählt von zehn Deals, aber im CRM ist seit Wochen nichts passiert", "stale_deals"),
        ("en", "my rep talks about his deals with a lot of passion, how do I channel that?", None),
        ("de", "der Kollege erzählt gern von seinen Projekten, wie nutze ich das im Teammeeting?", None),
    ],
)
def test_deals_a_rep_tells_of_that_the_crm_lacks(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "en",
            "when i check the next steps in pipedrive half say 'follow up' or 'call back' with no date, and "
            "the other half have nothing at all. how do i teach the team to write a real next step",
            "deals_without_next_step",
        ),
        (
            "en",
            "I keep telling the team to update close dates in Pipedrive, then I checked and 7 of MY deals "
            "have a close date that already passed 🙈 how do I fix this without looking like a hypocrite?",
            "own_overdue_close_dates",
        ),
    ],
)
def test_the_reader_on_tool_questions_asked_as_coaching(
    language: Language, question: str, metric: str
) -> None:
    assert asked_metric(question, language) == metric
