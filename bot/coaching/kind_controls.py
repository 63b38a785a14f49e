"""The controls rules: is a message about the coach's own messages, their schedule or the coaching itself
(prompts/kinds/<lang>.toml)? Nothing is changed from free text: the answer shows the commands."""

from __future__ import annotations

import functools
import re

from bot.coaching.kind_aside import writes_other_work
from bot.coaching.kind_asking import asks_how, is_question
from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS

# "stop" or "pause" alone is about the coach's messages; in a longer text it is about anything.
MAX_ALONE_WORDS = 4
# "ok I'm back", "bin wieder da :)": a resuming phrase with no more than a filler or two around it.
RESUMING_REST_WORDS = 2
# What follows a turned-down tip may ask for something else in its own clause ("…, tell me …").
CLAUSES = re.compile(r"[,;:.!]|\b(?:but|aber|sondern)\b")


def about_coach(terms: TermLists, text: str, words: list[str]) -> str | None:
    """The coach's messages or schedule; a product's own messages asked how or where are its settings."""
    # "how do I get fewer messages from you, salesforce spams me already" is about the coach's messages
    if product_setting(terms, text) and not terms.to_coach.first(text):
        return None
    return about_messages(terms, text, words) or about_schedule(terms, text) or about_language(terms, text)


def about_messages(terms: TermLists, text: str, words: list[str]) -> str | None:
    """The coach's own messages: stopping or changing them, or when they come."""
    alone = terms.controls_alone.first(text) if len(words) <= MAX_ALONE_WORDS else None
    if alone and not terms.domain.first(text):  # "pause deals?" is not about the coach
        return f"about the coach's messages: '{alone}'"
    term = terms.controls.first(text) or _declines(terms, text)
    # "Pipedrive: wo kann ich Pflichtfelder wieder ausschalten?" switches off a product's setting, and
    # "should we pause the pipeline review over the summer?" the team's meeting
    other = terms.vendors.first(text) or terms.ui.first(text) or terms.work_domain.first(text)
    if term and not (other and not terms.controls_objects.first(text)):
        return f"about the coach's messages: '{term}'"
    # "not on fridays pls": a short statement about a day or time, naming nothing of the work, is about
    # when the coach writes (the only schedule the coach and the sender share)
    when = terms.controls_when.first(text) if len(words) <= MAX_ALONE_WORDS else None
    small_talk = terms.greetings.first(text) or terms.small_talk.first(text)
    about_work = terms.domain.first(text) or is_question(terms, text, text)
    if when and not small_talk and not about_work:
        return f"about when the coach writes: '{when}'"
    thing = terms.controls_objects.first(text)
    # "my team ignores the daily reminders" is about the team, not about the coach's messages
    others = terms.controls_others.first(text) or _other_work(terms, text)
    if thing and terms.controls_when.first(text) and not others:
        return f"about when the coach's '{thing}' come"
    # Naming the coach's messages and nothing of the work: a lesson with a goal would be the wrong
    # answer to whatever it says about them, so it is not treated as a coaching question.
    # ("write me a poem" asks for other work: that rule comes later and decides)
    outside = terms.work_domain.first(text) or terms.controls_others.first(text)
    if thing and not outside and not _other_work(terms, text):
        return f"about the coach's '{thing}'"
    return None


def _declines(terms: TermLists, text: str) -> str | None:
    """ "I don't need tips anymore": the coach's tips turned down; a message that turns down one thing and
    asks for another ("I don't need tips on the tool, I need help getting my reps to log calls") is about
    what it asks."""
    term = terms.controls_declines.first(text)
    if term is None:
        return None
    rest = terms.numbers_advice.without(terms.controls_declines.without(text))  # "…any tips or advice"
    asked = (
        "?" in rest
        or terms.wants.first(rest)
        or terms.help.first(rest)
        or terms.tool_strict_asks.first(rest)
        or terms.numbers_asks.first(rest)
        or any(is_question(terms, clause, clause) for clause in CLAUSES.split(rest))
    )
    return None if asked else term


def about_schedule(terms: TermLists, text: str) -> str | None:
    """The coach's schedule or the coaching itself, in a message naming nothing of the work."""
    # "stop the pipeline tips for a week": a control verb on what the coach sends, whatever it is about
    stoppable = terms.controls_stoppable.first(text) if terms.controls_verbs.first(text) else None
    if stoppable and not terms.controls_others.first(text):
        return f"stops the coach's '{stoppable}'"
    if terms.work_domain.first(text) or terms.controls_others.first(text):
        return None  # "…when half the team is on holiday", "check the dashboards once a week?"
    if term := terms.controls_soft.first(text) or _resumes(terms, text) or _zoned_time(terms, text):
        return f"about the coach's schedule: '{term}'"
    # "only write on mondays", "could you send stuff at 8 in the morning": when the coach writes; "send me
    # a joke every morning" asks for small talk ("lunch" is a time here, not small talk)
    # a time must be named: "could you send me something less generic?" asks for other content
    when = terms.controls_when.first(terms.controls_untimed.without(text))
    asked = terms.writing.first(text) or _sending_asked(terms, text)
    if when and asked and not terms.domain.first(text):
        small_talk = terms.small_talk.first(terms.controls_when.without(text))
        return None if _other_work(terms, text) or small_talk else f"about when the coach writes: '{when}'"
    # "start the coaching again", "coaching bis januar pausieren": a control verb on the coach itself
    verb = terms.controls_verbs.first(text)
    if verb and terms.controls_coach.first(text):
        return f"about the coaching itself: '{verb}'"
    return None


def _zoned_time(terms: TermLists, text: str) -> str | None:
    """ "can these come at 8am UK time rather than 7?", „lieber um 8 Uhr deutscher Zeit“: a clock time in a
    time zone, another one asked; "what time is it in London" is small talk."""
    zone = terms.controls_zones.first(text)
    if zone is None or not terms.controls_shifts.first(text) or terms.small_talk.first(text):
        return None
    if _other_work(terms, text) or not _clock(terms.controls_clock_units.terms).search(text):
        return None
    return zone


@functools.cache
def _clock(units: tuple[str, ...]) -> re.Pattern[str]:
    """ "8am", "7 pm", "8:30 Uhr": a number with a clock unit after it."""
    either = "|".join(map(re.escape, units))
    return re.compile(rf"(?<![\w.])\d{{1,2}}(?:[:.]\d{{2}})?\s?(?:{either})(?!\w)")


def _sending_asked(terms: TermLists, text: str) -> bool:
    """ "could you send…", „schick mir das lieber abends“: sending asked of the coach, not told of oneself
    („dass ich mir selbst jeden Montag die Liste schicken lasse“)."""
    sending = terms.controls_sending.find(text)
    return sending is not None and (sending.start == 0 or bool(terms.addressed.first(text)))


def about_language(terms: TermLists, text: str) -> str | None:
    """ "answer me in German", „schreib mir bitte auf Deutsch, mein Profil steht auf Englisch“: the language
    the coach writes in; "translate this email into German" or "write the customer email in English" ask for
    other work, "my reps only speak German, how do I…" or „Mein Team spricht lieber Englisch“ is about the
    team; „Bitte schreib mir auf Englisch, mein Team ist international“ asks the coach."""
    language = terms.controls_languages.first(text)
    if language is None or not terms.controls_language_verbs.first(text):
        return None
    if terms.writing_other.first(text) or terms.other_work.first(text) or terms.work_domain.first(text):
        return None
    # "can you answer me in English? my team reads these too": asked of the coach first, the team a reason
    people = terms.crm_people.find(text)
    address = terms.addressed.find(text)
    if people is not None and (address is None or address.start > people.start):
        return None
    return f"about the language the coach writes in: '{language}'"


def _resumes(terms: TermLists, text: str) -> str | None:
    """ "I'm back", „Urlaub vorbei, schick mir wieder Lektionen“: back from a pause, alone or beside the
    coach's messages; "back in office today, the coffee machine is broken" opens small talk."""
    term = terms.controls_resuming.first(text)
    if term is None:
        return None
    rest = LETTERS.findall(terms.controls_resuming.without(text))
    coach = (
        terms.controls_objects.first(text) or terms.controls_coach.first(text) or terms.to_coach.first(text)
    )
    return term if coach or len(rest) <= RESUMING_REST_WORDS else None


def product_setting(terms: TermLists, text: str) -> bool:
    """ "where in hubspot do I switch off the e-mail notifications": a product's own messages, asked how
    or where, are its settings, not the coach's messages."""
    return bool(terms.vendors.first(text)) and asks_how(terms, text)


def _other_work(terms: TermLists, text: str) -> bool:
    """Other work asked for ("write me a cold email…"): the coach's word in it is not about its messages."""
    return bool(terms.other_work.first(text) or writes_other_work(terms, text))
