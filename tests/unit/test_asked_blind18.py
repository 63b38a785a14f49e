"""The asked metric (family, scope) for wordings like those of the metric_blind18 dev set and the batch 18
dev misses, with variants of my own: a figure set aside before the asked one is not read (before it,
„… sind mir egal“, „…, darum gehts nicht“, "not the … ones," at a clause's start), a figure told by its
situation ("came and went", "no call no email", "deals going", "open volume"), idioms that only look like a
figure word („den Überblick verloren“, "deal with … without losing him") and messages that keep their
reading or stay unread; and the reviewer's probes (asked_probes.yaml): a dismissal word that is the reps'
behaviour or inside a question, a situation phrase with no deal beside it ("3 meetings today")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.coaching.asked import family_of, read_asked
from bot.coaching.goals import scope_of
from bot.i18n import Language
from tests.helpers import load_yaml


def _reading(question: str, language: Language) -> tuple[str, str] | None:
    reading = read_asked(question, language)
    if reading is None:
        return None
    return family_of(reading.metric) or "", scope_of(reading.metric)[1]


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        # a figure set aside before the asked one
        (
            "not talking about the stale stuff, I know that's bad too. I mean the deals where the expected "
            "close came and went. what do I do with those",
            "en",
            ("overdue", "team"),
        ),
        (
            "forget about the overdue stuff for a sec, how many of our deals have nothing on the calendar "
            "next?",
            "en",
            ("no_next_step", "team"),
        ),
        (
            "the next steps are under control. what I worry about is deals nobody has touched in a month",
            "en",
            ("stale", "team"),
        ),
        ("not the overdue ones, which deals have no next step?", "en", ("no_next_step", "team")),
        (
            "die ohne nächsten schritt sind mir grad egal. mir gehts um die, wo der abschlusstermin längst "
            "rum is. was mach ich mit denen",
            "de",
            ("overdue", "team"),
        ),
        (
            "überfällige close dates hab ich im griff, darum gehts nicht. sondern um die deals wo einfach "
            "nix geplant ist. im team fast jeder zweite",
            "de",
            ("no_next_step", "team"),
        ),
        (
            "die überfälligen sind mir egal, wie viele deals haben keinen nächsten schritt?",
            "de",
            ("no_next_step", "team"),
        ),
        (
            "mir gehts nicht um die liegengebliebenen, sondern um die mit abgelaufenem abschlussdatum im "
            "team",
            "de",
            ("overdue", "team"),
        ),
        (
            "Nicht die überfälligen – ich meine die Team-Deals, die einfach seit Wochen liegen.",
            "de",
            ("stale", "team"),
        ),
        # the scope set aside too: the team's are fine, mine are not
        (
            "my team's dates are fine, its mine that are a mess. end of month comes and goes and the deal "
            "is still open with the old date on it",
            "en",
            ("overdue", "own"),
        ),
        # a figure told by its situation
        ("our expected close came and went on half the pipe, what now?", "en", ("overdue", "team")),
        (
            "lots of deals just... sit. no call no email no meeting for a month. is that a real reason",
            "en",
            ("stale", "team"),
        ),
        (
            "kein anruf, keine mail seit einem monat bei der hälfte der deals. was tun?",
            "de",
            ("stale", "team"),
        ),
        ("some of my own deals havent had a single update in like 6 weeks", "en", ("stale", "own")),
        (
            "my own HubSpot deals just sit there, no notes, no emails logged for weeks. how do I get back "
            "on top of them",
            "en",
            ("stale", "own"),
        ),
        ("how many opps are currently open on my own name?", "en", ("open_deals", "own")),
        ("wieviele opps laufen aktuell auf meinem namen", "de", ("open_deals", "own")),
        ("wie viele opps laufen gerade im team?", "de", ("open_deals", "team")),
        ("my reps have way more deals going than whats in hubspot", "en", ("open_deals", "team")),
        (
            "reps put in the Amount from the first quote and never touch it again, so the open volume in "
            "pipedrive means nothing",
            "en",
            ("open_value", "team"),
        ),
        ("summe Betrag meiner offenen opps, gewichtet nach phase bitte", "de", ("open_value", "own")),
        ("wie viel Wert hängt in unserer Pipe?", "de", ("open_value", "team")),
        ("summe Betrag aller meiner offenen deals?", "de", ("open_value", "own")),
        ("how many open deals do all my reps have?", "en", ("open_deals", "team")),
        ("Anzahl meiner geloggten Calls und Meetings diese Woche?", "de", ("activities", "own")),
        (
            "3 Calls in der ganzen Woche vom gesamten Team, liegt es an der Erfassung?",
            "de",
            ("activities", "team"),
        ),
        (
            "Meine Leute setzen nie einen Verlustgrund in HubSpot. Wie ändere ich das?",
            "de",
            ("won_lost", "team"),
        ),
        (
            "reps only enter a deal once it's basically signed, so the CRM shows almost nothing open",
            "en",
            ("open_deals", "team"),
        ),
        # an idiom is no lost deal
        (
            "laut hubspot haben wir 140 offene deals. ich kenn vielleicht 40 davon. ist die zahl aufgebläht "
            "oder hab ich den überblick verloren?",
            "de",
            ("open_deals", "team"),
        ),
        (
            "how do I deal with a rep who refuses to log anything without losing him?",
            "en",
            ("activities", "team"),
        ),
        # readings that stay as they were
        ("how many overdue close dates do I have?", "en", ("overdue", "own")),
        ("which of the team's deals have no next step?", "en", ("no_next_step", "team")),
        ("pipeline value is fine, but how many of the team's deals are overdue?", "en", ("overdue", "team")),
        ("wie viele überfällige abschlussdaten habe ich?", "de", ("overdue", "own")),
        ("wir haben letzten monat drei deals verloren, was lernen wir daraus?", "de", ("won_lost", "team")),
        (
            "why do the reps not log the next steps even though the deals are overdue?",
            "en",
            ("no_next_step", "team"),
        ),
        ("nicht die offenen deals – wie viele sind bei mir überfällig?", "de", ("overdue", "own")),
        # no figure named: stays unread
        ("ich hab völlig den überblick verloren, wie organisiere ich meine woche?", "de", None),
        ("I lost track of which deals I promised to call back, how do I keep a better list?", "en", None),
        ("nicht die richtigen leute im team, wie stelle ich besser ein?", "de", None),
        ("wie erkläre ich dem team, warum das crm wichtig ist?", "de", None),
        ("reps leave the amount empty on new opps, how do I fix that habit", "en", None),
        ("what's the weather like for the team offsite?", "en", None),
    ],
)
def test_the_blind18_wordings_name_their_metric(
    question: str, language: Language, expected: tuple[str, str] | None
) -> None:
    assert _reading(question, language) == expected


def _probes() -> list[tuple[str, str, str, str]]:
    probes = load_yaml((Path(__file__).parent / "asked_probes.yaml").read_text(encoding="utf-8"))
    return [
        (item["id"], item["text"], item["lang"], item["expect"])
        for group in ("kept", "fixed")
        for item in probes[group]
    ]


@pytest.mark.parametrize(("probe", "question", "language", "expected"), _probes())
def test_the_reviewer_probes_keep_their_reading(
    probe: str, question: str, language: Language, expected: str
) -> None:
    reading = _reading(question, language)
    assert ("none" if reading is None else "/".join(reading)) == expected, probe
