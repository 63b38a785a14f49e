"""Misreadings of the asked metric (prompts/coach/metric_terms.toml): an idiom of keeping track or an
action on deals names no lost count ([no_count]); no activity on deals for a time is stale; deals missing
from the CRM are the open deals; a figure the question quantifies beside an advice question is asked, and
of the problem counts ([order] by_position) the one named first leads. In English and German."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric, read_all, read_asked
from bot.i18n import Language


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "de",
            "ein vertriebler kündigt zum monatsende, hat 25 offene deals und bei den meisten ist kein "
            "nächster schritt drin. wie organisier ich die übergabe dass nix verloren geht?",
            "deals_without_next_step",
        ),
        (
            "de",
            "Mein Senior-Berater hört Ende des Monats auf und hat ca. 25 offene Deals in HubSpot. Deal "
            "owner umstellen ist klar, aber wie organisier ich die Übergabe so dass nix verloren geht?",
            "open_deals",
        ),
        ("de", "wie sorge ich dafür, dass bei der Übergabe nichts verloren geht?", None),
        ("de", "bei der Übergabe geht immer was verloren, was tun?", None),
        ("en", "a rep leaves with 25 open deals, how do I make sure nothing gets lost?", "open_deals"),
        ("en", "how do I hand over deals so that nothing gets lost", None),
        ("en", "how do I make sure the handover doesn't get lost in the shuffle", None),
        (
            "en",
            "20 deals without a next step, how do I stop them falling through the cracks",
            "deals_without_next_step",
        ),
        (
            "de",
            "haufen alte deals die keiner mehr anrührt. kann ich die einfach alle auf verloren setzen?",
            "stale_deals",
        ),
        ("en", "can I just mark all the old untouched deals as lost?", "stale_deals"),
        # closing deals as lost is an action, not the lost count
        ("en", "can I just mark them all as lost?", None),
        ("de", "kann ich die einfach alle auf verloren setzen?", None),
    ],
)
def test_an_idiom_or_an_action_names_no_lost_count(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "how many deals did we lose last quarter?", "lost_90d"),
        ("en", "which deals got lost to the competitor?", "lost_90d"),
        ("de", "wie viele Deals haben wir verloren?", "lost_90d"),
        ("de", "wie viele Deals wurden als verloren markiert?", "lost_90d"),
        ("en", "how many deals were marked as lost this quarter?", "lost_90d"),
    ],
)
def test_the_lost_count_is_still_read(language: Language, question: str, metric: str) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "en",
            "Do I really need to keep my own pipeline tidy? I'm the CRO, I hold 4 strategic opps and none "
            "has had an activity logged since October.",
            "own_stale_deals",
        ),
        ("en", "my deals haven't had any activity in six weeks", "own_stale_deals"),
        ("en", "I haven't done anything on my deals since the offsite", "own_stale_deals"),
        (
            "de",
            "meine eigenen deals bleiben liegen, bei 5 von 8 hab ich seit nem monat nix gemacht. wie bekomm "
            "ich meine pipeline wieder in den griff?",
            "own_stale_deals",
        ),
        ("de", "bei der Hälfte meiner Deals hab ich seit Wochen nichts gemacht", "own_stale_deals"),
        # an activity log is still a record, activities logged still the activities
        ("en", "how many activities did I log this week?", "activities_7d_manager"),
        ("en", "what can I read from a rep's activity log?", None),
    ],
)
def test_no_activity_on_deals_for_a_time_is_stale(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        (
            "de",
            "meine top-verkäuferin hat ihre deals alle im kopf, im crm stehen bei ihr vielleicht 3 von "
            "gefühlt 15. wie kriegen wir die rein",
            "open_deals",
        ),
        ("de", "die Hälfte seiner Deals ist nicht mal im CRM", "open_deals"),
        ("de", "viele Deals sind nicht in HubSpot, wie ändere ich das?", "open_deals"),
        ("en", "half his deals aren't even in salesforce, how do I get him to enter them?", "open_deals"),
        ("en", "my best rep keeps her deals in her head, what do I do?", "open_deals"),
    ],
)
def test_deals_missing_from_the_crm_are_the_open_deals(
    language: Language, question: str, metric: str
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metrics"),
    [
        # a figure stated beside an advice question is the one it quantifies
        (
            "en",
            "how often should i go through my own open deals? got about 12 personally and 5 of them have no "
            "next step",
            ["own_deals_without_next_step", "own_open_deals"],
        ),
        (
            "de",
            "wie oft sollte ich meine offenen Deals durchgehen? 5 von 12 haben keinen nächsten Schritt",
            ["own_deals_without_next_step", "own_open_deals"],
        ),
        # of the problem counts, the one named first leads
        (
            "de",
            "will eig nur sehen welche deals im team überfällig sind (close date schon vorbei) und wo nix "
            "passiert",
            ["overdue_close_dates", "stale_deals"],
        ),
        (
            "en",
            "which deals are overdue and which ones have gone quiet?",
            ["overdue_close_dates", "stale_deals"],
        ),
        ("en", "which deals have gone quiet and which are overdue?", ["stale_deals", "overdue_close_dates"]),
        # a figure beside a question for another figure stays context
        ("en", "I have 12 stale deals but how many are overdue", ["own_overdue_close_dates"]),
    ],
)
def test_the_quantified_or_first_named_count_leads(
    language: Language, question: str, metrics: list[str]
) -> None:
    assert [reading.metric for reading in read_all(question, language)] == metrics


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # a counting word before the phrase counts the lost deals
        ("de", "wie viele deals gingen an die konkurrenz verloren", "lost_90d"),
        ("de", "wie viele Deals geht uns pro Monat verloren?", "lost_90d"),
        ("de", "wie viele chancen gingen verloren", "lost_90d"),
        ("de", "wie viele deals werden verloren gehen wenn wir nichts tun?", "lost_90d"),
        ("de", "welche Deals gingen an die Konkurrenz verloren und warum?", "lost_90d"),
        ("en", "how many deals get lost in the proposal stage?", "lost_90d"),
        ("en", "where do most deals get lost in our funnel?", "lost_90d"),
        ("en", "how many opportunities are getting lost in negotiation?", "lost_90d"),
        # information lost, track lost, a rule for marking a deal lost: no lost count
        ("en", "information gets lost between SDR and AE, how to fix?", None),
        ("de", "Infos gehen bei der Übergabe verloren", None),
        ("de", "die Notizen gehen im Slack verloren, wie kriege ich die ins CRM?", None),
        ("en", "I lost track of my team's deals, where do I start?", None),
        ("en", "when should a rep mark a deal as lost?", None),
    ],
)
def test_a_counted_loss_is_lost_an_idiom_is_not(
    language: Language, question: str, metric: str | None
) -> None:
    reading = read_asked(question, language)
    assert (reading.metric if reading and reading.metric == "lost_90d" else None) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # the words an action spans still name their family
        ("en", "should I mark all these stale deals as lost?", "stale_deals"),
        ("en", "should I mark all overdue deals as lost?", "overdue_close_dates"),
        ("en", "should I set all stale deals to lost?", "stale_deals"),
        ("en", "should I move the overdue deals to closed lost?", "overdue_close_dates"),
        # activity of someone, not of deals, is the activities
        ("en", "has the team had any activity since Monday?", "activities_7d_team"),
        ("en", "how many reps had an activity since Friday?", "activities_7d_team"),
        ("en", "have I had any activity in the last 7 days?", "activities_7d_manager"),
        ("en", "has anyone had any activity in hubspot for the last week?", "activities_7d_team"),
        ("de", "hat das Team seit Montag nichts gemacht? wie viele Aktivitäten?", "activities_7d_team"),
        ("en", "which of my deals have had any activity since the QBR?", "own_stale_deals"),
        # nothing done, lying there: stale only when deals are
        (
            "de",
            "ich hab seit der Einarbeitung nichts gemacht was Pipeline-Reviews angeht, wie fange ich an?",
            None,
        ),
        ("de", "das Angebot bleibt liegen beim Kunden, was tun?", None),
        # only deals missing from the CRM are open deals
        ("en", "I'm not even in the office this week, how do I run the pipeline review remotely?", None),
        ("en", "the price isn't even in the quote, how do I coach this?", None),
        ("en", "forecasts are not even in the right currency, what do I do?", None),
        ("en", "my new rep isn't even in the CRM yet, how do I onboard him?", None),
        ("en", "the notes aren't in hubspot, how do I fix it?", None),
        ("de", "ich bin nicht mal im Büro diese Woche, wie mache ich das Pipeline-Review?", None),
        ("de", "der neue Kollege ist noch nicht mal im System angelegt", None),
        ("de", "die Telefonnummern stehen im CRM nicht drin", None),
        ("de", "die Notizen sind nicht in HubSpot, wie ändere ich das?", None),
        (
            "en",
            "My own deals are only in my diary and WhatsApp, not in Salesforce. What first?",
            "own_open_deals",
        ),
        ("de", "meine Deals sind nur in meinem Notizbuch, was tun?", "own_open_deals"),
    ],
)
def test_a_family_word_beside_an_action_or_a_person(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metrics"),
    [
        ("de", "wie viele überfällige Deals stehen im CRM?", ["overdue_close_dates"]),
        # a question after a stated figure asks
        ("en", "I have 12 stale deals. and overdue ones?", ["own_overdue_close_dates"]),
        ("en", "12 stale deals, overdue ones?", ["overdue_close_dates"]),
        ("de", "12 Deals ohne Aktivität. und überfällige?", ["overdue_close_dates"]),
        ("en", "we've got 12 stale deals. are any of them overdue too?", ["overdue_close_dates"]),
        ("en", "we have 50 open deals, and overdue?", ["overdue_close_dates"]),
        # a family set aside at a clause's start is not read at all (asked_dismissed)
        (
            "en",
            "not the overdue ones, which deals have no next step?",
            ["deals_without_next_step"],
        ),
        (
            "de",
            "wo passiert nix und wo ist das Abschlussdatum vorbei?",
            ["stale_deals", "overdue_close_dates"],
        ),
    ],
)
def test_the_asked_count_leads(language: Language, question: str, metrics: list[str]) -> None:
    assert [reading.metric for reading in read_all(question, language)] == metrics
