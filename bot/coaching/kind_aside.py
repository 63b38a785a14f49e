"""Messages that name the work but ask nothing the coach coaches (prompts/kinds/<lang>.toml): good news
told ("closed a big one today!"), a choice between CRM products ("salesforce or hubspot?"), small talk
around a work word ("did you see the match? half the sales team went"), an errand near a client
(a gift, a hotel). Each answer is one line on what the coach does: no lesson, no goal."""

from __future__ import annotations

from itertools import pairwise

from bot.coaching.asked import named_figures
from bot.coaching.kind_asking import asking_part, asks, is_question, sentences
from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS, Found, Terms

# Good news is short: "signed the framework contract today!" (the longest cheer in the training is 12 words).
MAX_NEWS_WORDS = 12
# A comparing word joins two products at most this many words apart ("hubspot or maybe pipedrive").
MAX_BETWEEN = 3


def shares_news(terms: TermLists, message: str, text: str) -> str | None:
    """Good news told, asking nothing and naming no problem ("we finally signed the big one!"); a long
    message tells more than the news."""
    news = terms.news.first(text)
    if news is None or asks(terms, message, text) or is_question(terms, message, text):
        return None
    if len(LETTERS.findall(text)) > MAX_NEWS_WORDS:
        return None
    if _tells_problem(terms, text):
        return None  # "closed a deal today but forgot to log it" tells a problem
    if terms.wants.first(text):
        return None  # "closed the Weber deal. need ideas to keep the team logging" asks for help
    # a sentence besides the cheer that names the work says more than the news
    if any(terms.crm_work.first(part) for part in sentences(text) if not terms.news.first(part)):
        return None
    return f"shares good news: '{news}'"


def product_choice(terms: TermLists, text: str) -> str | None:
    """Which CRM product to use ("salesforce or hubspot?", „HubSpot oder Pipedrive, was ist besser?“):
    buying advice, not a habit the coach coaches. The comparing word must join the products ("X or Y"),
    a switch needs a product named, and the question must name nothing of the work: "should reps log
    the order number in hubspot or in the notes?" asks about a habit, "we moved to another crm,
    re-enter the old deals or start fresh?" about the team's data."""
    if terms.help.first(text) or _names_work(terms, text):
        return None
    mentions = sorted(
        (found.start, found.end, found.term)
        for listed in (terms.crm_products, terms.products)
        for term in listed.every(text)
        if (found := Terms([term]).find(text)) is not None
    )
    for (_, end, first), (start, _, second) in pairwise(mentions):
        between = text[end:start]
        if first != second and len(LETTERS.findall(between)) <= MAX_BETWEEN and terms.choice.first(between):
            return f"a choice between products: '{terms.choice.first(between)}'"
    # "should we switch to pipedrive?", "the crm vendor doubles the price, should we switch?"
    if mentions and (switch := terms.switching.first(text)):
        return f"a choice between products: '{switch}'"
    opinion = terms.opinion.find(text)
    # "what do you think of pipedrive?", "is hubspot any good?": the product beside the opinion
    if opinion is not None:
        near = " ".join(
            LETTERS.findall(text[: opinion.start])[-MAX_BETWEEN:]
            + LETTERS.findall(text[opinion.end :])[:MAX_BETWEEN]
        )
        if terms.crm_products.first(near):
            return f"an opinion on a product: '{opinion.term}'"
    return None


def hardware_choice(terms: TermLists, text: str) -> str | None:
    """Which laptop or phone to buy ("MacBook oder ThinkPad?"): a purchase, not the CRM work; "reps can't
    update deals on their laptop, how do I handle that?" asks for help with the work."""
    device = terms.hardware.first(text)
    if device is None or not terms.buying.first(terms.hardware.without(text)) or terms.help.first(text):
        return None
    if terms.crm_things.first(text) or named_figures(text) or terms.crm_products.first(text):
        return None
    return f"a choice of hardware: '{device}'"


def bet(terms: TermLists, message: str, text: str) -> str | None:
    """A bet on a game joking about the pipeline ("I bet the lakers win tonight, safer than my pipeline"):
    small talk, unless a question beside it asks about the work."""
    found = terms.bets.first(text)
    if found is None or not terms.sports.first(text) or terms.help.first(text):
        return None
    asking = [part for part in sentences(text) if "?" in part or is_question(terms, part, part)]
    about_work = [part for part in asking if not terms.sports.first(part) and not terms.bets.first(part)]
    if any(terms.crm_work.first(part) for part in about_work):
        return None
    return f"a bet, not the work: '{found}'"


def _names_work(terms: TermLists, text: str) -> bool:
    """A habit, a figure or the CRM work named beside the products (the products' names aside)."""
    rest = terms.whether_anywhere.without(terms.opinion.without(text))  # "should we", "what do you think of"
    rest = terms.crm_products.without(terms.products.without(rest))
    return bool(terms.habit.first(rest) or terms.crm_work_only.first(rest) or named_figures(rest))


def small_talk_around_work(terms: TermLists, message: str, text: str) -> str | None:
    """Every question in it is small talk naming nothing of the work but everyday words ("who won the
    match? half my sales team are fans": "won" is football here), or it asks nothing, tells no problem
    and chats ("what a derby yesterday, my sales guys are hoarse"): a work word in a side remark does
    not make it a coaching question."""
    text = business_time(terms, text)
    parts = sentences(text)
    # "did you see the game? anyway, how do I get my reps to log calls" asks without a "?"
    asking = [
        part for part in parts if "?" in part or is_question(terms, part, part) or asks(terms, part, part)
    ]
    if work_beside_small_talk(terms, text):
        return None  # "how was your weekend? mine went on cleaning up overdue close dates."
    if not asking:
        if asks(terms, message, text) or is_question(terms, message, text) or _tells_problem(terms, text):
            return None
        if terms.crm_work.first(text):  # "the pipeline review was skipped for the holiday" is the work
            return None
        term = terms.small_talk.first(text)
        return f"small talk, nothing asked: '{term}'" if term else None
    if any(terms.strong_domain.first(part) or terms.vendors.first(part) for part in asking):
        return None
    term = next((found for part in asking if (found := terms.small_talk.first(part))), None)
    return f"small talk: '{term}'" if term else None


def business_time(terms: TermLists, text: str) -> str:
    """`text` without the seasons named as a business time ("want to figure out what we keep missing before
    the christmas season starts", „vor dem Weihnachtsgeschäft“) where it names the work: there the season
    is when the work happens, no small talk ("merry christmas everyone" names no work and keeps it). The team
    alone is no work named: "before christmas I'd like to take my team out for drinks" is small talk."""
    work = terms.crm_people.without(text)
    if not (terms.evidence.first(work) or terms.strong_domain.first(work)):
        return text
    return terms.business_times.without(text)


def work_beside_small_talk(terms: TermLists, text: str) -> bool:
    """A sentence without small talk names the CRM work ("did you see the derby? anyway, how do I get my
    team to log calls")."""
    return any(terms.crm_work.first(part) for part in sentences(text) if not terms.small_talk.first(part))


def _tells_problem(terms: TermLists, text: str) -> bool:
    return bool(terms.news_but.first(text) or terms.numbers_coaching.first(text))


def writes_other_work(terms: TermLists, text: str) -> str | None:
    """Asks the coach to write ("can you draft…", „schreib mir…“) what is other work: a customer e-mail,
    a post, or anything naming no CRM work ("draft me an agenda for my pipeline review" is coaching)."""
    asked = " ".join(LETTERS.findall(text))
    helped = False
    while True:  # "can you please draft…", "can you help me write…"
        if (opening := _at_start(terms.addressed, asked)) is None:
            if (opening := _at_start(terms.writing_help, asked)) is None:
                break
            helped = True
        asked = asked[opening.end :].strip()
    writing = terms.writing.find(asked)
    # „hilf mir, eine Karte zu schreiben“: after "help me" the verb may come last
    if writing is None or (writing.start != 0 and not helped):
        return None
    return writing.term if terms.writing_other.first(text) or not terms.crm_work.first(text) else None


def _at_start(listed: Terms, text: str) -> Found | None:
    found = listed.find(text)
    return found if found is not None and found.start == 0 else None


def errand(terms: TermLists, text: str) -> str | None:
    """An everyday errand (a gift, a restaurant, a hotel) with nothing of the CRM work named."""
    asked = asking_part(terms, text)  # "…back at the hotel I've forgotten what he said. tips?" asks no errand
    term = terms.errands.first(asked)
    # "missed the customer meeting, train cancelled – how do I log that?" asks to record it: the work
    work = terms.crm_work.first(asked) or terms.recording.first(asked)
    return f"an errand, not the work: '{term}'" if term and not work else None


def pay(terms: TermLists, text: str) -> str | None:
    """Commission, bonus, salary: how much, how fair, how calculated is payroll however many deals it names
    ("commission math for a split deal"); pay beside the CRM work is the work ("reps mark deals won before
    signature because we pay commission on signing"), so is pay rewarding the CRM's upkeep ("a fair bonus
    for reps who keep their deals up to date"), and pay with nothing of the work is off-topic."""
    term = terms.pay.first(text)
    # a figure asked ("how much bonus…") stays pay: the coach has no such figure
    if term is None or (terms.pay_upkeep.first(text) and not terms.numbers_asks.first(text)):
        return None
    if not terms.pay_asks.first(text) and (terms.crm_work.first(text) or named_figures(text)):
        return None
    return f"about pay, not the CRM work: '{term}'"


def everyday_fault(terms: TermLists, text: str) -> bool:
    """A fault ("broken", „kaputt“) told of nothing of the product: "back in office today, the coffee
    machine is broken" is no tool question; "salesforce is broken, the deal page won't load" is."""
    screens = terms.ui.every(text)
    faults = set(terms.tool_faults.terms)
    if not screens or any(screen not in faults for screen in screens):
        return False
    return not (terms.vendors.first(text) or terms.crm_things.first(text) or terms.crm_products.first(text))
