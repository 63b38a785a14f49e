"""The term lists of the hostile kind (prompts/kinds/<lang>.toml, [hostile]): the coach's rules changed or
asked for, insults, and others' pay and notes asked about. Read into TermLists (kind_lists.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coaching.kind_terms import Terms, listed
from bot.coaching.others_terms import others_people


@dataclass(frozen=True, slots=True)
class HostileLists:
    hostile: Terms
    belittling: Terms  # the coach belittled: hostile said to it in a message that asks nothing
    insults: Terms
    help: Terms
    injection: Terms
    injection_prior: (
        Terms  # earlier instructions set aside: the coach's (prior_coach), or asked beside no work
    )
    prior_coach: Terms
    prior_own: Terms  # "my previous question", "I gave them": the asker's own instructions
    quote_at_coach: Terms  # a quotation naming the coach is said to it, reported or not
    quote_you: Terms  # ...and one with "you" the asker wrote it (quoted_own)
    quoted_own: Terms
    coach_rules: Terms  # the coach's own rules ("hidden rules"): hostile said to the coach, shown
    rules_reveal: Terms
    coach_address: Terms
    pretext: Terms  # "authorized audit": a second signal only
    others_data: Terms
    told_own: Terms  # "I", „ich“: others' data named in what the asker tells of their own doing
    wished: Terms  # "I'd like", „hätte gern“: a wish for the data, not a telling
    told_need: Terms  # "I have to", „ich darf“: a need or right to the data asks for it
    told_plan: Terms  # "we're comparing": with told_when ("this week") a plan for the data
    told_when: Terms
    told_reflects: Terms  # "is that fair?", „wie höre ich auf?“: a question weighing one's own doing
    told_delivers: Terms  # "when can you…", „schaffst du das?“: a question asking the coach to deliver
    salary: Terms  # what one earns ("salaries", „Gehälter“): another's is not the asker's to see
    earned: Terms  # "paid", "income": a person's pay, unless said of deals (paid_things)
    paid_things: Terms  # "deals", "invoice", „Rechnung“: what gets paid that is no one's pay
    private_notes: Terms  # a conversation's private notes ("his 1:1 notes")
    hr_notes: Terms  # another's HR records ("the notes HR has on…", "personnel file")
    reviews: Terms  # "performance review": private only as its records (review_records)
    review_records: Terms
    contact_details: Terms  # "contact emails", "phone numbers": handed out in bulk (bulk, publish)
    bulk: Terms
    publish: Terms
    publish_asked: Terms  # "post", "dump": opening a clause (after asked_openers), asked of the coach
    asked_openers: Terms  # "can you", "and": before the verb of a request
    reported: Terms  # "noted", „notiert“: a quotation beside these is reported, not said to the coach
    reveal: Terms  # asking to see them ("show me", "what did … write")
    own_conversation: Terms  # "his 1:1 with me": the asker's own conversation
    others_people: Terms  # people whose pay or notes are not the asker's ("the marketing team", „Kollegin“)
    whether: Terms  # asking whether something should be ("should reps see…"), not asking for it
    at_coach: Terms  # addressed to the coach: an insult with these is hostile whatever else it names
    roleplay: Terms  # the injection terms that ask for a role ("pretend you're…")
    answering: Terms  # the injection terms on how the coach answers ("from now on reply…"): with a language
    work_roles: Terms  # roles of the work: a role-play as one is a coaching request
    grants: Terms  # ...unless the role is to grant something ("approve my leave")
    lifting: Terms  # lifting the coach's rules ("without limits"): no role-play is exempt with these
    whether_not: Terms  # "should you…" asks the coach, not whether something should be
    whether_anywhere: Terms  # "should I/we" asks for advice wherever it stands
    commands_hostile: Terms  # hostile only opening a sentence ("get lost", not "I get lost in it")
    at_coach_near: Terms  # "you're", „du bist“: an insult right after these is said of the coach
    not_names: Terms  # capitalised after "was verdient der…" but nobody's name („der Durchschnitt“)
    vocative: Terms  # the coach called by an insult opening a sentence ("you idiot", „du blöde Kiste“)
    said_of_own: Terms  # what an insult after the vocative is said of instead („Du, blöde Frage: …“)
    before_name: Terms  # asking whose pay right before a name ("does", „verdient“, „bekommt“)
    name_fillers: Terms  # between them and the name („was verdient eigentlich der Stefan“)
    pay_of: Terms  # between a pay word and a name ("the bonus of Özlem")


def hostile_lists() -> dict[str, Terms]:
    """Each of HostileLists' lists by its field's name, both languages merged."""
    return {
        "hostile": listed("hostile", "phrases"),
        "belittling": listed("hostile", "belittling"),
        "insults": listed("hostile", "insults"),
        "help": listed("hostile", "help"),
        "injection": listed("hostile", "injection"),
        "injection_prior": listed("hostile", "injection_prior"),
        "prior_coach": listed("hostile", "prior_coach"),
        "prior_own": listed("hostile", "prior_own"),
        "quote_at_coach": listed("hostile", "quote_at_coach"),
        "quote_you": listed("hostile", "quote_you"),
        "quoted_own": listed("hostile", "quoted_own"),
        "coach_rules": listed("hostile", "coach_rules"),
        "rules_reveal": listed("hostile", "rules_reveal"),
        "coach_address": listed("hostile", "coach_address"),
        "pretext": listed("hostile", "pretext"),
        "others_data": listed("hostile", "others_data"),
        "told_own": listed("hostile", "told_own"),
        "wished": listed("hostile", "wished"),
        **{key: listed("hostile", key) for key in ("told_need", "told_plan", "told_when")},
        **{key: listed("hostile", key) for key in ("told_reflects", "told_delivers")},
        "salary": listed("hostile", "salary"),
        "earned": listed("hostile", "earned"),
        "paid_things": listed("hostile", "paid_things"),
        "private_notes": listed("hostile", "private_notes"),
        "hr_notes": listed("hostile", "hr_notes"),
        "reviews": listed("hostile", "reviews"),
        "review_records": listed("hostile", "review_records"),
        "contact_details": listed("hostile", "contact_details"),
        "bulk": listed("hostile", "bulk"),
        "publish": listed("hostile", "publish"),
        "publish_asked": listed("hostile", "publish_asked"),
        "asked_openers": listed("hostile", "asked_openers"),
        "reported": listed("hostile", "reported"),
        "others_people": Terms(others_people()),
        "own_conversation": listed("hostile", "own_conversation"),
        "reveal": listed("hostile", "reveal"),
        "whether": listed("hostile", "whether"),
        "at_coach": listed("hostile", "at_coach"),
        "roleplay": listed("hostile", "roleplay"),
        "answering": listed("hostile", "answering"),
        "work_roles": listed("hostile", "work_roles"),
        "grants": listed("hostile", "grants"),
        "lifting": listed("hostile", "lifting"),
        "whether_not": listed("hostile", "whether_not"),
        "whether_anywhere": listed("hostile", "whether_anywhere"),
        "commands_hostile": listed("hostile", "commands"),
        "at_coach_near": listed("hostile", "at_coach_near"),
        "vocative": listed("hostile", "vocative"),
        "said_of_own": listed("hostile", "said_of_own"),
        "before_name": listed("hostile", "before_name"),
        "name_fillers": listed("hostile", "name_fillers"),
        "pay_of": listed("hostile", "pay_of"),
        "not_names": listed("hostile", "not_names"),
    }
