"""The term lists message kinds are decided by (prompts/kinds/<lang>.toml), and how a term matches."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from bot.coaching.asked import figure_terms
from bot.coaching.others_terms import others_people
from bot.i18n import LANGUAGES
from bot.paths import PROMPTS_DIR

KINDS_DIR = PROMPTS_DIR / "kinds"
LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Found:
    term: str
    start: int
    end: int


class Terms:
    """One named list of terms; 'unsubscrib*' matches a word prefix, spaces match a phrase."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(dict.fromkeys(term.lower().strip() for term in terms if term.strip()))
        # A term matches only a text holding its longest literal piece: with thousands of terms and a few
        # in any message, most patterns are never compiled (start-up) nor run (each message).
        self._literals = tuple((term, _literal(term)) for term in self.terms)
        simple = [term for term in self.terms if re.fullmatch(r"[\w'’-]+\*?", term)]
        self._words = frozenset(term for term in simple if not term.endswith("*"))
        self._prefixes = tuple(term[:-1] for term in simple if term.endswith("*"))
        self.stems = tuple(term.rstrip("*") for term in simple)
        self._other = tuple(pair for pair in self._literals if pair[0] not in simple)

    def first(self, text: str) -> str | None:
        """The term that occurs earliest in `text` (normalised), or None."""
        found = self.find(text)
        return found.term if found else None

    def without(self, text: str) -> str:
        """`text` with every term taken out."""
        for term in self.every(text):
            text = pattern(term).sub(" ", text)
        return text

    def every(self, text: str) -> list[str]:
        """Every term that occurs in `text`, in the lists' order."""
        return [term for term, literal in self._literals if literal in text and pattern(term).search(text)]

    def find(self, text: str) -> Found | None:
        """The earliest term in `text`, the longest one at the same position."""
        found = [
            (match.start(), -len(term), match.end(), term)
            for term, literal in self._literals
            if literal in text and (match := pattern(term).search(text))
        ]
        if not found:
            return None
        start, _, end, term = min(found)
        return Found(term, start, end)

    def outside(self, text: str, span: Found) -> str | None:
        """The first term that occurs in `text` but not inside `span`."""
        return self.first(text[: span.start] + " | " + text[span.end :])

    def covers(self, word: str) -> bool:
        """Whether one word is a term (fast: called for many spelling variants of a word)."""
        return (
            word in self._words
            or word.startswith(self._prefixes)
            or any(literal in word and pattern(term).fullmatch(word) for term, literal in self._other)
        )


def _literal(term: str) -> str:
    """The longest piece of `term` every match contains word for word (between wildcards)."""
    pieces = (chunk for word in term.split() if word != "~" for chunk in word.split("*"))
    return max(pieces, key=len, default="")


@cache
def pattern(term: str) -> re.Pattern[str]:
    """'word*' = any word starting so; 'a ~ b' = a, then up to three words, then b."""
    parts = []
    for word in term.split():
        if word == "~":
            parts.append(r"(?:\S+\s+){0,3}")
            continue
        piece = r"[\w'’-]*".join(re.escape(chunk) for chunk in word.split("*"))
        parts.append(piece + r"\s+")
    body = "".join(parts)[: -len(r"\s+")]
    return re.compile(rf"(?<![\w]){body}(?![\w])")


@dataclass(frozen=True, slots=True)
class TermLists:
    hostile: Terms
    insults: Terms
    help: Terms
    injection: Terms
    coach_rules: Terms  # the coach's own rules ("hidden rules"): hostile said to the coach, shown
    rules_reveal: Terms
    coach_address: Terms
    pretext: Terms  # "authorized audit": a second signal only
    others_data: Terms
    salary: Terms  # what one earns ("salaries", „Gehälter“): another's is not the asker's to see
    earned: Terms  # "paid", "income": a person's pay, unless said of deals (paid_things)
    paid_things: Terms  # "deals", "invoice", „Rechnung“: what gets paid that is no one's pay
    private_notes: Terms  # a conversation's private notes ("his 1:1 notes")
    reveal: Terms  # asking to see them ("show me", "what did … write")
    own_conversation: Terms  # "his 1:1 with me": the asker's own conversation
    others_people: Terms  # people whose pay or notes are not the asker's ("the marketing team", „Kollegin“)
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
    vendors: Terms
    ui: Terms
    tool_asks: Terms
    tool_strict_asks: Terms
    tool_setup: Terms
    numbers_asks: Terms
    numbers_only: Terms
    numbers_coaching: Terms
    numbers_advice: Terms  # the advice an "only" phrase turns down ("you usually give me advice but…")
    numbers_commands: Terms
    numbers_nouns: Terms
    numbers_verbs: Terms
    numbers_periods: Terms
    greetings: Terms
    small_talk: Terms
    other_work: Terms
    craft: Terms
    crm_work: Terms
    crm_things: Terms  # crm_work without the people who do it (a laptop for a rep is still a purchase)
    crm_people: Terms  # the people who do the work ("my team", „mein Team“)
    addressed: Terms
    writing: Terms
    domain: Terms
    strong_domain: Terms  # the domain words minus the weak ones ("won" is also about football)
    work_domain: Terms  # the strong ones minus those about the coach itself ("lessons")
    evidence: Terms  # sales-management words that let a coaching answer set a goal
    habit: Terms
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
    whether: Terms  # asking whether something should be ("should reps see…"), not asking for it
    at_coach: Terms  # addressed to the coach: an insult with these is hostile whatever else it names
    vague_figures: Terms  # name a figure only beside a deal word ("verschoben?" names none)
    letter_words: Terms  # the words of one letter (others, and "ppp", are keystrokes)
    abbreviations: Terms  # "z.b.", "e.g.": letters with dots that are words
    roleplay: Terms  # the injection terms that ask for a role ("pretend you're…")
    answering: Terms  # the injection terms on how the coach answers ("from now on reply…"): with a language
    work_roles: Terms  # roles of the work: a role-play as one is a coaching request
    grants: Terms  # ...unless the role is to grant something ("approve my leave")
    setting_asks: Terms  # asking where a setting is: a tool question whatever people it names
    tool_faults: Terms  # a product's fault told ("the app keeps crashing"): the question is about it
    lifting: Terms  # lifting the coach's rules ("without limits"): no role-play is exempt with these
    whether_not: Terms  # "should you…" asks the coach, not whether something should be
    whether_anywhere: Terms  # "should I/we" asks for advice wherever it stands
    commands_hostile: Terms  # hostile only opening a sentence ("get lost", not "I get lost in it")
    at_coach_near: Terms  # "you're", „du bist“: an insult right after these is said of the coach
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
    not_names: Terms  # capitalised after "was verdient der…" but nobody's name („der Durchschnitt“)
    vocative: Terms  # the coach called by an insult opening a sentence ("you idiot", „du blöde Kiste“)
    said_of_own: Terms  # what an insult after the vocative is said of instead („Du, blöde Frage: …“)
    before_name: Terms  # asking whose pay right before a name ("does", „verdient“, „bekommt“)
    name_fillers: Terms  # between them and the name („was verdient eigentlich der Stefan“)
    pay_of: Terms  # between a pay word and a name ("the bonus of Özlem")

    def all_words(self) -> set[str]:
        lists = [getattr(self, name) for name in self.__dataclass_fields__]
        terms = [term for listed in lists for term in listed.terms] + figure_terms()
        return {word for term in terms for word in LETTERS.findall(term.lower())}


@cache
def term_lists() -> TermLists:
    """Both languages' lists merged (read once per process)."""
    data = [_read(language) for language in LANGUAGES]

    def merged(*path: str) -> Terms:
        return Terms(term for tree in data for term in _get(tree, path))

    return TermLists(
        hostile=merged("hostile", "phrases"),
        insults=merged("hostile", "insults"),
        help=merged("hostile", "help"),
        injection=merged("hostile", "injection"),
        coach_rules=merged("hostile", "coach_rules"),
        rules_reveal=merged("hostile", "rules_reveal"),
        coach_address=merged("hostile", "coach_address"),
        pretext=merged("hostile", "pretext"),
        others_data=merged("hostile", "others_data"),
        salary=merged("hostile", "salary"),
        earned=merged("hostile", "earned"),
        paid_things=merged("hostile", "paid_things"),
        private_notes=merged("hostile", "private_notes"),
        others_people=Terms(others_people()),
        own_conversation=merged("hostile", "own_conversation"),
        reveal=merged("hostile", "reveal"),
        controls_alone=merged("controls", "alone"),
        controls=merged("controls", "phrases"),
        controls_soft=merged("controls", "soft"),
        controls_declines=merged("controls", "declines"),
        controls_resuming=merged("controls", "resuming"),
        controls_verbs=merged("controls", "verbs"),
        controls_coach=merged("controls", "coach"),
        controls_objects=merged("controls", "objects"),
        controls_stoppable=merged("controls", "stoppable"),
        controls_when=merged("controls", "when"),
        controls_untimed=merged("controls", "untimed"),
        controls_others=merged("controls", "others"),
        controls_sending=merged("controls", "sending"),
        controls_languages=merged("controls", "languages"),
        controls_language_verbs=merged("controls", "language_verbs"),
        vendors=merged("tool_howto", "vendors"),
        ui=merged("tool_howto", "ui"),
        tool_asks=merged("tool_howto", "asks"),
        tool_strict_asks=merged("tool_howto", "strict_asks"),
        tool_setup=merged("tool_howto", "setup"),
        numbers_asks=merged("numbers", "asks"),
        numbers_only=merged("numbers", "only"),
        numbers_coaching=merged("numbers", "coaching"),
        numbers_advice=merged("numbers", "advice"),
        numbers_commands=merged("numbers", "commands"),
        numbers_nouns=merged("numbers", "nouns"),
        numbers_verbs=merged("numbers", "verbs"),
        numbers_periods=merged("numbers", "periods"),
        greetings=merged("off_topic", "greetings"),
        small_talk=merged("off_topic", "phrases"),
        other_work=merged("off_topic", "requests"),
        craft=merged("off_topic", "craft"),
        crm_work=Terms([*merged("off_topic", "crm_work").terms, *merged("off_topic", "crm_people").terms]),
        crm_things=merged("off_topic", "crm_work"),
        crm_people=merged("off_topic", "crm_people"),
        addressed=merged("off_topic", "addressed"),
        writing=merged("off_topic", "writing"),
        domain=merged("domain", "words"),
        strong_domain=Terms(set(merged("domain", "words").terms) - set(merged("domain", "weak").terms)),
        work_domain=Terms(
            set(merged("domain", "words").terms)
            - set(merged("domain", "weak").terms)
            - set(merged("hostile", "about_coach").terms)
        ),
        evidence=merged("domain", "evidence"),
        habit=merged("tool_howto", "habit"),
        question_words=merged("domain", "question_words"),
        request_words=merged("domain", "request_words"),
        meaning=merged("coaching", "meaning"),
        news=merged("off_topic", "news"),
        news_but=merged("off_topic", "news_but"),
        choice=merged("off_topic", "choice"),
        opinion=merged("off_topic", "opinion"),
        products=merged("off_topic", "products"),
        crm_products=merged("off_topic", "crm_products"),
        pay=merged("off_topic", "pay"),
        hardware=merged("off_topic", "hardware"),
        buying=merged("off_topic", "buying"),
        bets=merged("off_topic", "bets"),
        sports=merged("off_topic", "sports"),
        errands=merged("off_topic", "errands"),
        whether=merged("hostile", "whether"),
        at_coach=merged("hostile", "at_coach"),
        vague_figures=merged("numbers", "vague"),
        letter_words=merged("domain", "letter_words"),
        abbreviations=merged("domain", "abbreviations"),
        roleplay=merged("hostile", "roleplay"),
        answering=merged("hostile", "answering"),
        work_roles=merged("hostile", "work_roles"),
        grants=merged("hostile", "grants"),
        setting_asks=merged("tool_howto", "setting_asks"),
        tool_faults=merged("tool_howto", "faults"),
        lifting=merged("hostile", "lifting"),
        whether_not=merged("hostile", "whether_not"),
        whether_anywhere=merged("hostile", "whether_anywhere"),
        commands_hostile=merged("hostile", "commands"),
        at_coach_near=merged("hostile", "at_coach_near"),
        to_coach=merged("controls", "to_coach"),
        fillers=merged("domain", "fillers"),
        anaphoric=merged("tool_howto", "anaphoric"),
        wants=merged("off_topic", "wants"),
        pay_asks=merged("off_topic", "pay_asks"),
        pay_upkeep=merged("off_topic", "pay_upkeep"),
        writing_other=merged("off_topic", "writing_other"),
        meaning_not=merged("coaching", "not_opening"),
        decision_words=merged("numbers", "decision"),
        switching=merged("off_topic", "switching"),
        crm_work_only=Terms(
            {*merged("off_topic", "crm_work").terms, *merged("off_topic", "crm_people").terms}
            - set(merged("off_topic", "choice_neutral").terms)
        ),
        work_terms=Terms(
            [*merged("domain", "evidence").terms, *merged("coaching", "terms").terms, *figure_terms()]
        ),
        rhetorical=merged("reflection", "rhetorical"),
        rhetorical_told=merged("reflection", "rhetorical_told"),
        tags=merged("reflection", "tags"),
        particles=merged("reflection", "particles"),
        vocative=merged("hostile", "vocative"),
        said_of_own=merged("hostile", "said_of_own"),
        before_name=merged("hostile", "before_name"),
        name_fillers=merged("hostile", "name_fillers"),
        pay_of=merged("hostile", "pay_of"),
        not_names=merged("hostile", "not_names"),
    )


def _read(language: str) -> dict[str, object]:
    with (KINDS_DIR / f"{language}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _get(tree: Mapping[str, object], path: tuple[str, ...]) -> list[str]:
    node: object = tree
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return [str(item) for item in node] if isinstance(node, list) else []


def normalise(text: str) -> str:
    """Lower case, one kind of apostrophe, single spaces, and the contractions people type without
    their apostrophe written with it ("wheres the setting" is "where's the setting")."""
    text = SPACES.sub(" ", text.lower().replace("’", "'")).strip()
    contractions = _contractions()
    if not contractions:
        return text
    return _contraction_pattern().sub(lambda found: contractions[found.group(0)], text)


@cache
def _contraction_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(typed) for typed in sorted(_contractions(), key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{words})(?![\w'])")


@cache
def _contractions() -> dict[str, str]:
    return {
        str(typed): str(meant)
        for language in LANGUAGES
        for typed, meant in dict(_get_table(_read(language), "contractions")).items()
    }


def _get_table(tree: Mapping[str, object], key: str) -> Mapping[str, object]:
    node = tree.get(key, {})
    return node if isinstance(node, Mapping) else {}
