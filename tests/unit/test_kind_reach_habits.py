"""How far the tool and errand rules reach: a named product with the asker's own way (teaching the team,
forgetting by evening, how fixing one's own data looks, one's own network) is coaching, a click path in it
stays a tool question; an errand (a restaurant, the road, the weather) stays off-topic whatever customer it
names as the reason, and recording or planning the visit in the CRM stays the work. English and German."""

from __future__ import annotations

import pytest

from bot.coaching.kinds import MessageClassifier

REACH: dict[str, list[tuple[str, str]]] = {
    "a product named beside the asker's own way is a habit question": [
        (
            "I am doing 4-5 warehouse visits daily itself, by evening I forget half of what the client told. "
            "Kindly suggest how to capture it in Salesforce without sitting at laptop at night",
            "coaching",
        ),
        (
            "when i check the next steps in pipedrive half say 'follow up' or 'call back' with no date, and "
            "the other half have nothing at all. how do i teach the team to write a real next step",
            "coaching",
        ),
        (
            "I keep telling the team to update close dates in Pipedrive, then I checked and 7 of MY deals "
            "have a close date that already passed 🙈 how do I fix this without looking like a hypocrite?",
            "coaching",
        ),
        (
            "kann ich pipedrive auch für mein eigenes netzwerk nutzen? alte kollegen, mentoren usw, ich meld "
            "mich da nie. feels bad tbh",
            "coaching",
        ),
        # variants
        ("how do I train my team to log their calls in hubspot right after the call?", "coaching"),
        ("every night I sit at the laptop typing visit notes into dynamics. how do I stop that?", "coaching"),
        ("can I use salesforce for my personal network too? old colleagues I never call", "coaching"),
        ("wie bringe ich meinem team bei, in pipedrive echte nächste schritte einzutragen?", "coaching"),
        (
            "ich predige saubere abschlussdaten in hubspot und bei mir sind 8 überfällig. wie räume ich das "
            "auf, ohne unglaubwürdig zu wirken?",
            "coaching",
        ),
        ("abends weiß ich die hälfte nicht mehr. wie krieg ich das in salesforce?", "coaching"),
        # the verb taught to the team is the habit, not a setup
        ("how do I teach the team to create real next steps in hubspot?", "coaching"),
    ],
    "a click path in a named product stays a tool question": [
        ("how do I add a custom field for the next step date in pipedrive?", "tool_howto"),
        ("how do I export all my deals from hubspot to csv?", "tool_howto"),
        ("I forgot my pipedrive password, how do I reset it?", "tool_howto"),
        ("I always forget the next step in hubspot, where can I set a reminder?", "tool_howto"),
        ("how do I set up the outlook integration in hubspot so emails get logged?", "tool_howto"),
        ("wie lege ich in pipedrive ein eigenes feld für den nächsten schritt an?", "tool_howto"),
        ("ich vergesse abends die hälfte. wo in salesforce kann ich sprachnotizen aufnehmen?", "tool_howto"),
        ("wie exportiere ich meine deals aus salesforce nach excel?", "tool_howto"),
        ("how do I merge two duplicate accounts in zoho?", "tool_howto"),
    ],
    "an errand names the customer only as the reason": [
        (
            "anyone know a good steakhouse near the stampede grounds? taking a client out thursday",
            "off_topic",
        ),
        (
            "Weiß zufällig jemand, ob die A9 zwischen Nürnberg und München heute wieder dicht ist? Muss um "
            "14 Uhr bei einem Kunden in Ingolstadt sein.",
            "off_topic",
        ),
        # variants
        ("is the highway to denver closed because of the snow? client visit in boulder at 2", "off_topic"),
        ("good gift ideas for a customer who just renewed?", "off_topic"),
        ("kennt jemand ein gutes steakhaus in der nähe der messe? gehe mit einem kunden essen", "off_topic"),
        ("ist die A8 heute gesperrt? muss um 10 beim kunden in ulm sein", "off_topic"),
        ("wie wird das wetter morgen in leipzig? hab da einen kundentermin", "off_topic"),
    ],
    "recording or planning the visit in the CRM stays the work": [
        ("I took a client to a steakhouse last night, how do I log that dinner as an activity?", "coaching"),
        ("stuck in traffic and missed my customer meeting, how do I record that in the crm?", "coaching"),
        ("wegen stau auf der autobahn den kundentermin verpasst – wie dokumentiere ich das?", "coaching"),
        (
            "wie plane ich meine kundenbesuche nächste woche so, dass ich die liegengebliebenen deals sehe?",
            "coaching",
        ),
        ("missed a customer meeting because of a train delay, how do I log that?", "coaching"),
    ],
}
CASES = [(rule, message, kind) for rule, cases in REACH.items() for message, kind in cases]


@pytest.mark.parametrize(("rule", "message", "kind"), CASES)
def test_a_rule_reaches_what_is_asked(
    classifier: MessageClassifier, rule: str, message: str, kind: str
) -> None:
    result = classifier.classify(message)

    assert (result.kind, message) == (kind, message), f"{rule}: {result.reason}"
