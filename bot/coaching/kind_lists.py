"""The term lists message kinds are decided by (prompts/kinds/<lang>.toml), read once per process.

How a term matches: kind_terms.py; the hostile section's lists: kind_hostile_lists.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.coaching.asked import figure_terms
from bot.coaching.kind_hostile_lists import HostileLists, hostile_lists
from bot.coaching.kind_terms import LETTERS, Terms, listed


@dataclass(frozen=True, slots=True)
class TermLists(HostileLists):
    controls_alone: Terms
    controls: Terms
    controls_soft: Terms
    controls_declines: Terms  # "don't need tips": the coach's tips turned down, unless more is asked
    controls_resuming: Terms  # "I'm back": short, or beside the coach's messages
    controls_verbs: Terms
    controls_coach: Terms
    controls_objects: Terms
    controls_stoppable: Terms
    controls_when: Terms
    controls_untimed: Terms  # the `when` words naming no time ("less", "instead")
    controls_others: Terms
    controls_sending: Terms  # "send", „schick“: with a time of day, when the coach's messages come
    controls_languages: Terms  # "german", „auf englisch“: the language the coach writes in
    controls_language_verbs: Terms  # "answer", "prefer", „umstellen“: ...asked of the coach
    controls_zones: Terms  # "UK time", „deutscher Zeit“: with a clock time, when the coach writes
    controls_clock_units: Terms  # "am", „Uhr“: after a number, a clock time
    controls_shifts: Terms  # "rather than", „statt“: another time asked
    vendors: Terms
    ui: Terms
    tool_asks: Terms
    tool_strict_asks: Terms
    tool_setup: Terms
    numbers_asks: Terms
    numbers_only: Terms
    numbers_coaching: Terms
    numbers_occasions: Terms  # "performance review": what figures are asked for, no advice asked
    numbers_follow_ups: Terms  # "if so which": asks on from the sentence before
    numbers_judged: Terms  # "too many", „bei den“: inside an asking phrase, the deals judged, not counted
    numbers_advice: Terms  # the advice an "only" phrase turns down ("you usually give me advice but…")
    numbers_commands: Terms
    numbers_nouns: Terms
    numbers_verbs: Terms
    numbers_periods: Terms
    greetings: Terms
    small_talk: Terms
    leisure: Terms  # colleagues' food, drinks, festivals, sport: off-topic only where no work is named
    business_times: Terms  # "before the christmas season": a season as a business time, no small talk
    other_work: Terms
    craft: Terms
    crm_work: Terms
    crm_things: Terms  # crm_work without the people who do it (a laptop for a rep is still a purchase)
    crm_people: Terms  # the people who do the work ("my team", „mein Team“)
    addressed: Terms
    writing_help: Terms  # "help me", „hilf mir“: opening a writing request too
    writing: Terms
    domain: Terms
    strong_domain: Terms  # the domain words minus the weak ones ("won" is also about football)
    work_domain: Terms  # the strong ones minus those about the coach itself ("lessons")
    evidence: Terms  # sales-management words that let a coaching answer set a goal
    habit: Terms
    own_way: Terms  # the asker's own way beside a product (teaching the team, forgetting what was said)
    own_way_taught: Terms  # "to" in "teach the team to create…": the verb after it is the habit taught
    question_words: Terms
    request_words: Terms
    meaning: Terms  # asking what a term of the work means ("what is a stale deal?")
    news: Terms  # good news told, not a question ("closed a big one today!")
    news_but: Terms  # ...unless a problem follows ("but forgot to log it")
    choice: Terms  # comparing products ("salesforce or hubspot?")
    opinion: Terms  # an opinion on one product ("is hubspot any good?")
    products: Terms  # a CRM product named without its name ("our crm vendor")
    crm_products: Terms  # the CRM vendors' products (not the mail tools)
    pay: Terms  # commission, bonus, salary
    hardware: Terms  # laptops, phones, monitors: bought or chosen (buying), a purchase
    buying: Terms
    bets: Terms  # a bet on a game (sports) joking about the pipeline
    sports: Terms
    errands: Terms  # everyday errands (a gift, a hotel): off-topic unless the CRM work is named
    recording: Terms  # "log", „trag … ein“: entering something is the CRM work, whatever errand it names
    formulas: Terms  # spreadsheet formulas: other work unless the CRM, a product or the work is named
    spreadsheets: Terms  # "excel", "column": where a formula is typed, no work of its own
    vague_figures: Terms  # name a figure only beside a deal word ("verschoben?" names none)
    letter_words: Terms  # the words of one letter (others, and "ppp", are keystrokes)
    test_words: Terms  # "test": beside a keyboard mash, a test message
    key_rows: Terms  # the keyboard's rows: a run of keys along one is a mash
    abbreviations: Terms  # "z.b.", "e.g.": letters with dots that are words
    setting_asks: Terms  # asking where a setting is: a tool question whatever people it names
    tool_faults: Terms  # a product's fault told ("the app keeps crashing"): the question is about it
    to_coach: Terms  # the coach's own messages addressed ("from you", „von dir“): controls, whatever product
    fillers: Terms  # "so", „und“: skipped before the first word of a follow-up question
    anaphoric: (
        Terms  # a question pointing back at the story ("how do I do that?"): the story is what is asked
    )
    wants: Terms  # a request without "?" ("need ideas", „brauche Ideen“): no plain good news
    pay_asks: Terms  # asking how much, how fair, how calculated: pay itself, whatever work it names
    pay_upkeep: (
        Terms  # pay as the reward for keeping the CRM up ("…for reps who keep their deals up to date")
    )
    writing_other: Terms  # what is written is other work (a customer e-mail, a post, a letter)
    meaning_not: Terms  # a count or a selection opening the message: no question of what a term means
    decision_words: Terms  # "or", „oder“: a short last clause with one chooses ("fix or delete?")
    switching: Terms  # leaving one product for another ("switch to pipedrive"): a product choice
    crm_work_only: Terms  # the CRM work without the product names: a product choice names none of it
    work_terms: Terms  # the terms of the work a meaning question asks about ("what is a stale deal")
    rhetorical: Terms  # a question that asks nothing ("can you believe it?", „wer hätte das gedacht?“)
    tags: Terms  # a question's last clause that only asks for agreement ("odd, right?")
    rhetorical_told: Terms  # ...after a story ("why would they…?", „warum sollten sie…?“)
    particles: Terms  # after an opening verb, a statement's („ist ja klar“, „ist doch kein Wunder“)

    def all_words(self) -> set[str]:
        lists = [getattr(self, name) for name in self.__dataclass_fields__]
        terms = [term for each in lists for term in each.terms] + figure_terms()
        return {word for term in terms for word in LETTERS.findall(term.lower())}


@cache
def term_lists() -> TermLists:
    """Both languages' lists merged (read once per process)."""
    return TermLists(
        **hostile_lists(),
        controls_alone=listed("controls", "alone"),
        controls=listed("controls", "phrases"),
        controls_soft=listed("controls", "soft"),
        controls_declines=listed("controls", "declines"),
        controls_resuming=listed("controls", "resuming"),
        controls_verbs=listed("controls", "verbs"),
        controls_coach=listed("controls", "coach"),
        controls_objects=listed("controls", "objects"),
        controls_stoppable=listed("controls", "stoppable"),
        controls_when=listed("controls", "when"),
        controls_untimed=listed("controls", "untimed"),
        controls_others=listed("controls", "others"),
        controls_sending=listed("controls", "sending"),
        controls_languages=listed("controls", "languages"),
        controls_language_verbs=listed("controls", "language_verbs"),
        controls_zones=listed("controls", "zones"),
        controls_clock_units=listed("controls", "clock_units"),
        controls_shifts=listed("controls", "shifts"),
        vendors=listed("tool_howto", "vendors"),
        ui=listed("tool_howto", "ui"),
        tool_asks=listed("tool_howto", "asks"),
        tool_strict_asks=listed("tool_howto", "strict_asks"),
        tool_setup=listed("tool_howto", "setup"),
        numbers_asks=listed("numbers", "asks"),
        numbers_only=listed("numbers", "only"),
        numbers_coaching=listed("numbers", "coaching"),
        numbers_occasions=listed("numbers", "occasions"),
        numbers_follow_ups=listed("numbers", "follow_ups"),
        numbers_judged=listed("numbers", "judged"),
        numbers_advice=listed("numbers", "advice"),
        numbers_commands=listed("numbers", "commands"),
        numbers_nouns=listed("numbers", "nouns"),
        numbers_verbs=listed("numbers", "verbs"),
        numbers_periods=listed("numbers", "periods"),
        greetings=listed("off_topic", "greetings"),
        small_talk=listed("off_topic", "phrases"),
        leisure=listed("off_topic", "leisure"),
        business_times=listed("off_topic", "business_times"),
        other_work=listed("off_topic", "requests"),
        craft=listed("off_topic", "craft"),
        crm_work=Terms([*listed("off_topic", "crm_work").terms, *listed("off_topic", "crm_people").terms]),
        crm_things=listed("off_topic", "crm_work"),
        crm_people=listed("off_topic", "crm_people"),
        addressed=listed("off_topic", "addressed"),
        writing_help=listed("off_topic", "writing_help"),
        writing=listed("off_topic", "writing"),
        domain=listed("domain", "words"),
        strong_domain=Terms(set(listed("domain", "words").terms) - set(listed("domain", "weak").terms)),
        work_domain=Terms(
            set(listed("domain", "words").terms)
            - set(listed("domain", "weak").terms)
            - set(listed("hostile", "about_coach").terms)
        ),
        evidence=listed("domain", "evidence"),
        habit=listed("tool_howto", "habit"),
        own_way=listed("tool_howto", "own_way"),
        own_way_taught=listed("tool_howto", "own_way_taught"),
        question_words=listed("domain", "question_words"),
        request_words=listed("domain", "request_words"),
        meaning=listed("coaching", "meaning"),
        news=listed("off_topic", "news"),
        news_but=listed("off_topic", "news_but"),
        choice=listed("off_topic", "choice"),
        opinion=listed("off_topic", "opinion"),
        products=listed("off_topic", "products"),
        crm_products=listed("off_topic", "crm_products"),
        pay=listed("off_topic", "pay"),
        hardware=listed("off_topic", "hardware"),
        buying=listed("off_topic", "buying"),
        bets=listed("off_topic", "bets"),
        sports=listed("off_topic", "sports"),
        errands=listed("off_topic", "errands"),
        recording=listed("off_topic", "recording"),
        formulas=listed("off_topic", "formulas"),
        spreadsheets=listed("off_topic", "spreadsheets"),
        vague_figures=listed("numbers", "vague"),
        letter_words=listed("domain", "letter_words"),
        test_words=listed("domain", "test_words"),
        key_rows=listed("domain", "key_rows"),
        abbreviations=listed("domain", "abbreviations"),
        setting_asks=listed("tool_howto", "setting_asks"),
        tool_faults=listed("tool_howto", "faults"),
        to_coach=listed("controls", "to_coach"),
        fillers=listed("domain", "fillers"),
        anaphoric=listed("tool_howto", "anaphoric"),
        wants=listed("off_topic", "wants"),
        pay_asks=listed("off_topic", "pay_asks"),
        pay_upkeep=listed("off_topic", "pay_upkeep"),
        writing_other=listed("off_topic", "writing_other"),
        meaning_not=listed("coaching", "not_opening"),
        decision_words=listed("numbers", "decision"),
        switching=listed("off_topic", "switching"),
        crm_work_only=Terms(
            {*listed("off_topic", "crm_work").terms, *listed("off_topic", "crm_people").terms}
            - set(listed("off_topic", "choice_neutral").terms)
        ),
        work_terms=Terms(
            [*listed("domain", "evidence").terms, *listed("coaching", "terms").terms, *figure_terms()]
        ),
        rhetorical=listed("reflection", "rhetorical"),
        rhetorical_told=listed("reflection", "rhetorical_told"),
        tags=listed("reflection", "tags"),
        particles=listed("reflection", "particles"),
    )
