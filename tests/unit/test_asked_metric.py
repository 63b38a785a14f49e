"""Which metric a question names, own or team, in English and German (prompts/coach/metric_terms.toml)."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric, read_all, read_asked
from bot.i18n import Language


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "half our deals have no next step, what do I do", "deals_without_next_step"),
        # "my deals" without a team word are the manager's own (how the unseen sets' writers read it)
        ("en", "half my deals have no next step, what do I do", "own_deals_without_next_step"),
        ("en", "12 of my own deals have no next step", "own_deals_without_next_step"),
        ("en", "how many of MY deals are overdue", "own_overdue_close_dates"),
        ("en", "our pipeline is full of stale deals nobody touched in weeks", "stale_deals"),
        ("en", "I barely logged anything myself this week", "activities_7d_manager"),
        ("en", "my reps log hardly any activities", "activities_7d_team"),
        ("en", "how many deals did we lose this quarter", "lost_90d"),
        ("en", "what's our total pipeline value", "open_value"),
        ("en", "how do I run a good one-on-one?", None),
        ("de", "bei der Hälfte unserer Deals fehlt der nächste Schritt", "deals_without_next_step"),
        ("de", "keine Wiedervorlage bei meinen eigenen Deals", "own_deals_without_next_step"),
        (
            "de",
            "5 meiner eigenen Opportunities sind überfällig, bevor ich es dem Team sage",
            "own_overdue_close_dates",
        ),
        ("de", "viele eingeschlafene Deals im Team", "stale_deals"),
        ("de", "hab ich selbst genug Kundenaktivitäten erfasst?", "activities_7d_manager"),
        ("de", "wie viele offene Deals hab ich", "own_open_deals"),
        ("de", "wie leite ich ein gutes Einzelgespräch?", None),
        # a record named after a metric's word is no count: nothing to quote or set a goal on
        ("en", "what can I read from a rep's activity timeline before a 1:1", None),
        ("de", "was sagt mir der Aktivitätsverlauf eines Deals?", None),
        ("de", "als Teamleiter hab ich selber kaum Aktivitäten erfasst", "activities_7d_manager"),
        # word families: plurals and participles, separable verbs, time without contact, "bei uns/mir"
        ("de", "die Abschlussdaten sind bei uns oft überschritten", "overdue_close_dates"),
        ("de", "bei mir sind drei Schlusstermine überschritten", "own_overdue_close_dates"),
        ("de", "die Kollegen tragen keine Telefonate ein", "activities_7d_team"),
        ("de", "manche Chancen liegen im Team seit Wochen rum", "stale_deals"),
        ("en", "I forgot to touch half of my own deals for weeks", "own_stale_deals"),
        ("en", "how do I get my team to keep close dates realistic", "overdue_close_dates"),
        ("en", "show me my deals without a next step", "own_deals_without_next_step"),
        ("de", "zeig mir meine überfälligen Deals", "own_overdue_close_dates"),
        ("en", "half of my own accounts aren't in the crm at all", "own_open_deals"),
        ("de", "die Hälfte der Kunden vom Team ist nicht im CRM", "open_deals"),
    ],
)
def test_the_metric_the_question_names(language: Language, question: str, metric: str | None) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # value: currency signs and words, German value compounds, the vendor's value field
        ("en", "roughly how many € are sitting in the funnel across my reps?", "open_value"),
        ("en", "sum up the deal value of everything still open for me, mine only", "own_open_value"),
        ("de", "Wie hoch ist der gesamte Auftragswert, den das Vertriebsteam offen hat?", "open_value"),
        ("de", "Gesamtvolumen meiner offenen Chancen in CHF", "own_open_value"),
        # scope: a possessive owning a deal word is own; a rep's name or a team word is the team
        ("en", "how many of my opportunities are past their expected close", "own_overdue_close_dates"),
        ("en", "how many of Jonas's opps have an outdated close date", "overdue_close_dates"),
        ("de", "wie viele meiner Verkaufschancen haben keinen Folgetermin", "own_deals_without_next_step"),
        ("de", "Wie viele Chancen hat die Abteilung ohne Wiedervorlage?", "deals_without_next_step"),
        # a team-wide problem the manager thinks of fixing alone stays the team's
        ("de", "Schlusstermine überzogen, soll ich die jetzt alle selber anpassen?", "overdue_close_dates"),
        ("en", "a team lead here: my calls this week, how many did I log?", "activities_7d_manager"),
        # German separable verbs and word families; vendor field names
        ("de", "bei mir liegen ein paar Opportunities brach", "own_stale_deals"),
        ("de", "bei den Kollegen tut sich nichts mehr in den Deals", "stale_deals"),
        ("de", "Anzahl offener Vorgänge im Vertrieb, bitte", "open_deals"),
        ("en", "sort by Last activity date: lots of opps from the summer, what now", "stale_deals"),
        ("en", "our close rate in Closed Won this quarter?", "won_90d"),
        ("de", "Wie hoch ist unsere Verlustquote seit dem Sommer?", "lost_90d"),
        ("en", "how much revenue is sitting in open opportunities?", "open_value"),
        ("en", "what's the combined amount of everything we have open", "open_value"),
        ("en", "how many of my deals haven't had any activity in 3 weeks", "own_stale_deals"),
        ("en", "my call count this week", "activities_7d_manager"),
        ("en", "how big is my book right now", "own_open_deals"),
        ("de", "wie viele meiner Deals haben kein nächstes Datum", "own_deals_without_next_step"),
        ("de", "Wie viele Deals sind bei uns im Verzug?", "overdue_close_dates"),
        ("de", "Was ist mein eigenes Auftragsvolumen?", "own_open_value"),
        ("de", "Deals ohne Folgeaktivität bei Jonas", "deals_without_next_step"),
        ("de", "Was sind unsere offenen Deals insgesamt wert?", "open_value"),
        ("de", "Bei wie vielen Deals hat sich seit einem Monat keiner gemeldet?", "stale_deals"),
        ("de", "Deals ohne geplante Aktivität, Anzahl?", "deals_without_next_step"),
        ("de", "Wieviele Deals hab ich selber noch offen?", "own_open_deals"),
        ("en", "how many opps nobody has followed up on", "deals_without_next_step"),
        # a field or a currency outside a question about the pipeline's sum names no metric
        ("en", "reps leave the amount empty on new opps, how do I fix that habit", None),
        ("de", "die Beträge fehlen oft, wie gewöhne ich das dem Team ab?", None),
    ],
)
def test_new_wordings_name_the_metric(language: Language, question: str, metric: str | None) -> None:
    assert asked_metric(question, language) == metric


def test_a_reading_says_which_words_decided_it() -> None:
    reading = read_asked("wie viele meiner Verkaufschancen haben keinen Folgetermin", "de")

    assert reading is not None
    assert (reading.family_term, reading.scope_term) == ("folgetermin", "meiner verkaufschancen")


@pytest.mark.parametrize(
    ("language", "question", "metrics"),
    [
        # every family named, in the question's scope
        (
            "en",
            "numbers for my stale opps and my past-due ones?",
            ["own_stale_deals", "own_overdue_close_dates"],
        ),
        (
            "de",
            "wie viele Abschlusstermine sind bei uns überfällig und was haben wir verloren",
            ["overdue_close_dates", "lost_90d"],
        ),
        # a word counts for one family only: deals without activity are stale, not an activity count
        ("de", "Chancen ohne Aktivität bei den Kollegen, Anzahl?", ["stale_deals"]),
        ("en", "how much € is in our open opps", ["open_value", "open_deals"]),
    ],
)
def test_every_metric_a_question_names(language: Language, question: str, metrics: list[str]) -> None:
    assert [reading.metric for reading in read_all(question, language)] == metrics


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        # a day, a weekday or a meeting before "'s" is no rep whose deals would make it the team's
        ("en", "how many activities did I log in yesterday's meetings?", "activities_7d_manager"),
        ("en", "How many of my deals from Monday's pipeline review are overdue?", "own_overdue_close_dates"),
        ("en", "how many of my deals are stale? asking for tomorrow's forecast call", "own_stale_deals"),
        ("en", "which of my opps slipped since last Friday's deal review?", "own_overdue_close_dates"),
        ("en", "how many of Jonas's opps have an outdated close date", "overdue_close_dates"),
        # "did i"/"have i" are whole words: "did it", "have incomplete" are no own cue
        ("en", "How many open deals are there, did it grow?", "open_deals"),
        ("en", "How many deals have incomplete close dates?", "overdue_close_dates"),
        ("en", "how many stale deals do we have, is it worse than in spring?", "stale_deals"),
        ("en", "how many deals have I got without a next step?", "own_deals_without_next_step"),
        # introducing oneself is no own cue; "in my name" is
        ("en", "Hi, my name is Jan. How many open deals does my team have?", "open_deals"),
        ("en", "My name's Priya, new here: how many stale deals are in the team?", "stale_deals"),
        ("en", "how many open deals are in my name?", "own_open_deals"),
        # German "alle"/"selbst" are whole words and "selbst" a weak cue: the reps doing it themselves
        ("de", "Wie viele Deals sind überfällig, vor allem meine?", "own_overdue_close_dates"),
        ("de", "Wie viele Chancen haben keinen Folgetermin, besonders meine?", "own_deals_without_next_step"),
        ("de", "Wie viele Deals sind überfällig? Das Team arbeitet selbstständig.", "overdue_close_dates"),
        ("de", "Warum tragen die Reps ihre Aktivitäten nicht selbst ein?", "activities_7d_team"),
        ("de", "allerdings: wie viele meiner Deals sind ohne Wiedervorlage?", "own_deals_without_next_step"),
        (
            "de",
            "Wie viele Deals haben die Kollegen selbstverständlich ohne Folgetermin?",
            "deals_without_next_step",
        ),
        ("de", "wie viele offene Deals habe ich selbst?", "own_open_deals"),
        ("de", "wie viele Deals sind bei allen Verkäufern überfällig?", "overdue_close_dates"),
    ],
)
def test_scope_words_are_whole_words_and_names_are_names(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question", "metrics"),
    [
        # loose family words: a week's worth of calls is no value, activity in two weeks no stale count
        (
            "en",
            "My reps only log a week's worth of calls on Friday afternoon, how do I change that?",
            ["activities_7d_team"],
        ),
        (
            "en",
            "a month's worth of meetings got logged in one go, how many activities did I log?",
            ["activities_7d_manager"],
        ),
        ("en", "How much activity in the last two weeks did the team log?", ["activities_7d_team"]),
        ("en", "has my team had any activity this week?", ["activities_7d_team"]),
        ("en", "how many of our deals haven't had any activity in 3 weeks?", ["stale_deals"]),
        ("en", "how much worth of deals does the team have open?", ["open_value"]),
        ("de", "Wie hoch ist unser Aktivitätsvolumen?", ["activities_7d_team"]),
        ("de", "Wie ist die Summe der Aktivitäten diese Woche?", ["activities_7d_team"]),
        ("de", "Wie hoch ist das Anrufvolumen im Team?", []),
        ("de", "Summe der offenen Deals im Team?", ["open_value"]),
        ("de", "Wie groß ist das Volumen unserer Pipeline?", ["open_value"]),
        # "passed", "in the past", „vergessen“ alone name no overdue or stale deals
        ("en", "how many deals do we have? I passed the pipeline to finance yesterday", ["open_deals"]),
        ("en", "in the past we had more open deals, how many are there now?", ["open_deals"]),
        ("en", "how many close dates are in the past?", ["overdue_close_dates"]),
        ("de", "Wie viele Deals haben wir? Ich hab vergessen, wo ich das sehe.", ["open_deals"]),
        ("de", "wie viele vergessene Deals gibt es im Team?", ["stale_deals"]),
        # "win" the reps over is no won count; winning deals is
        ("en", "How do I win my reps over to logging calls?", ["activities_7d_team"]),
        ("en", "how do I win back the team's trust in the CRM?", []),
        ("en", "how many deals did we win this quarter?", ["won_90d"]),
    ],
)
def test_loose_words_name_no_other_metric(language: Language, question: str, metrics: list[str]) -> None:
    assert [reading.metric for reading in read_all(question, language)] == metrics


@pytest.mark.parametrize(
    ("language", "question", "metric"),
    [
        ("en", "how many deals did i close-win in q2?", "own_won_90d"),
        ("en", "what's the value of the deals we closed this quarter", "won_90d"),
        ("en", "how much have we booked so far this quarter?", "won_90d"),
        ("de", "wie viel Umsatz hat das Team im letzten Monat eingefahren", "won_90d"),
        ("de", "wie viele Deals haben wir dieses Quartal abgeschlossen?", "won_90d"),
        # still open, a date to come, or nothing asked of a figure
        ("en", "how many deals are still not closed?", "open_deals"),
        ("en", "what's the value of the deals closing this quarter", "open_value"),
        ("de", "wie viele Deals sind noch nicht abgeschlossen?", "open_deals"),
        ("en", "we closed the office early, how do I run the weekly meeting remotely?", None),
        # closing still to come is what is open, in both languages
        ("en", "how many deals are expected to be closed this month?", "open_deals"),
        ("en", "how much revenue will be signed this quarter?", "open_value"),
        ("de", "Wie viele Deals sollen diesen Monat abgeschlossen werden?", "open_deals"),
        ("de", "Wie viel Umsatz wird dieses Quartal noch abgeschlossen?", "open_value"),
        # ... while a closing gone by stays won, even beside "expected" or "planned" told of it
        ("en", "how many deals did we close this quarter", "won_90d"),
        ("de", "was haben wir diesen Monat abgeschlossen", "won_90d"),
        ("en", "we closed more than planned, how much revenue was that?", "won_90d"),
        ("de", "Wir haben mehr abgeschlossen als erwartet, wie viel Umsatz war das?", "won_90d"),
        # a future word in another clause, or after the closing, leaves it won
        ("en", "how many deals did I close last month? I'm going to present it to my boss", "own_won_90d"),
        ("en", "how much revenue did we close this quarter, going to share it with the board", "won_90d"),
        ("de", "Wie viele Deals haben wir abgeschlossen? Ich soll es dem Chef zeigen", "won_90d"),
        ("en", "how many deals are we going to close this month?", "open_deals"),
    ],
)
def test_a_value_or_count_closed_is_the_won_count(
    language: Language, question: str, metric: str | None
) -> None:
    assert asked_metric(question, language) == metric


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "how much revenue have we closed this quarter, and how much is still open?"),
        ("de", "Wie viel Umsatz haben wir dieses Quartal abgeschlossen, und wie viel ist noch offen?"),
        ("de", "Wie viel Umsatz haben wir im Oktober abgeschlossen und wie viel ist noch offen?"),
    ],
)
def test_what_is_still_open_asked_in_another_clause_is_asked_beside_the_won_count(
    language: Language, question: str
) -> None:
    assert [reading.metric for reading in read_all(question, language)] == ["won_90d", "open_value"]


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("how many deals did we close this month and how many are still open?", ["won_90d", "open_deals"]),
        # "and" in a list of things closed cuts nothing
        ("how many deals and contacts did we close this month?", ["won_90d"]),
        ("how many deals did I close last month? I'm going to present it to my boss", ["own_won_90d"]),
    ],
)
def test_and_how_many_asks_another_count(question: str, metrics: list[str]) -> None:
    assert [reading.metric for reading in read_all(question, "en")] == metrics
