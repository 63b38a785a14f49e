"""Messages that name the work but ask nothing the coach coaches (prompts/kinds/<lang>.toml): good news
told ("closed a big one today!"), a choice between CRM products ("salesforce or hubspot?"), small talk
around a work word ("did you see the match? half the sales team went"), an errand near a client
(a gift, a hotel). Each answer is one line on what the coach does: no lesson, no goal."""

from __future__ import annotations

from bot.coaching.kind_asking import asks, is_question, sentences
from bot.coaching.kind_terms import LETTERS, TermLists

# Good news is short: "signed the framework contract today!" (the longest cheer in the training is 12 words).
MAX_NEWS_WORDS = 12
# Two products named with a comparing word make a choice between them.
MIN_COMPARED = 2


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
    return f"shares good news: '{news}'"


def product_choice(terms: TermLists, text: str) -> str | None:
    """Which CRM product to use ("salesforce or hubspot?", „HubSpot oder Pipedrive, was ist besser?“):
    buying advice, not a habit the coach coaches; "we move from salesforce to hubspot, how do I get the
    reps to use it" asks for help with the team."""
    if terms.help.first(text):
        return None
    vendors = set(terms.crm_products.every(text))
    choice = terms.choice.first(text)
    if choice and (len(vendors) >= MIN_COMPARED or terms.products.first(text)):
        return f"a choice between products: '{choice}'"
    opinion = terms.opinion.first(text)
    # "what do you think of pipedrive?"; "what do you think of how my reps use hubspot" asks about a habit
    if vendors and opinion and not terms.habit.first(text):
        return f"an opinion on a product: '{opinion}'"
    return None


def small_talk_around_work(terms: TermLists, message: str, text: str) -> str | None:
    """Every question in it is small talk naming nothing of the work but everyday words ("who won the
    match? half my sales team are fans": "won" is football here), or it asks nothing, tells no problem
    and chats ("what a derby yesterday, my sales guys are hoarse"): a work word in a side remark does
    not make it a coaching question."""
    asking = [part for part in sentences(text) if "?" in part]
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


def _tells_problem(terms: TermLists, text: str) -> bool:
    return bool(terms.news_but.first(text) or terms.numbers_coaching.first(text))


def errand(terms: TermLists, text: str) -> str | None:
    """An everyday errand (a gift, a restaurant, a hotel) with nothing of the CRM work named."""
    term = terms.errands.first(text)
    return f"an errand, not the work: '{term}'" if term and not terms.crm_work.first(text) else None


def pay(terms: TermLists, text: str) -> str | None:
    """Commission, bonus, salary: off-topic however many deals or reps it names ("commission math for a
    split deal"), unless it names the CRM tooling ("should the bonus depend on logging activities?")."""
    term = terms.pay.first(text)
    return f"about pay, not the CRM work: '{term}'" if term and not terms.tooling.first(text) else None
