"""How full the LLM coach's prompt gets: estimated prompt tokens vs the budget, for the real lessons.

    .venv/bin/python benchmarks/llm_prompt_tokens.py [--budget 1500]

Loads prompts/lessons (LessonLibrary.load()), retrieves lessons for sample questions in English and German
the way the Coach does (the asked metric's lesson first, with the asker's number and goal in the prompt),
builds the prompt the LLM would receive (no request is sent) and prints the estimated tokens, the budget
and their ratio, plus how many retrieved lessons had to be dropped or shortened, and the fewest lessons
that fit per language (issue 9: at least two in German with numbers). Prints numbers only; it passes or
fails nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from decimal import Decimal

from bot.coaching.asked import asked_metric
from bot.coaching.coach import focus_hits
from bot.coaching.lessons import MIN_LESSONS_PER_LANGUAGE, LessonError, LessonLibrary
from bot.coaching.numbers import ground
from bot.coaching.retrieval import LessonIndex
from bot.coaching.vocabulary import Vocabulary
from bot.config_groups import LLMSettings
from bot.crm.base import AttentionDeal, ManagerStats, Owner
from bot.i18n import LANGUAGES, Language
from bot.llm.prompt import Pseudonyms, build_prompt, estimate_tokens

QUESTIONS: dict[Language, tuple[str, ...]] = {
    "en": (
        "How do I get my team to actually use the CRM?",
        "How do I run a pipeline review that does not waste everyone's time?",
        "Half of our deals have no next step. What should I do in my one-on-ones?",
        "How can I make our forecast more accurate?",
        "Which dashboard should I look at every Monday?",
    ),
    "de": (
        "Wie bringe ich mein Team dazu, das CRM wirklich zu nutzen?",
        "Wie leite ich ein Pipeline-Review, das niemandes Zeit verschwendet?",
        "Die Hälfte unserer Deals hat keinen nächsten Schritt. Was tue ich in den Einzelgesprächen?",
        "Wie wird unsere Prognose genauer?",
        "Welches Dashboard sollte ich mir jeden Montag ansehen?",
        "5 meiner eigenen Opportunities sind überfällig – wie räume ich sie auf, bevor ich es vom Team will?",
        "Bei vielen Deals fehlt die Wiedervorlage, und eingeschlafene Deals haben wir auch. Wo fange ich an?",
    ),
}


def sample_stats() -> ManagerStats:
    """A busy manager with the most attention deals the prompt shows: the worst case for the budget."""
    attention = tuple(
        AttentionDeal(
            f"d{n}",
            f"Enterprise Platform Renewal {n}",
            f"Representative {n}",
            Decimal(90_000 + n),
            ("stale", "no_next_step", "overdue"),
            owner_id=f"R{n}",
        )
        for n in range(8)
    )
    return ManagerStats(
        owner=Owner("o1", "manager@example.com", "Sample Manager"),
        team_size=9,
        open_deals=1234,
        open_value=Decimal("12345678"),
        currency="EUR",
        stale_deals=456,
        deals_without_next_step=321,
        overdue_close_dates=210,
        activities_7d_manager=12,
        activities_7d_team=345,
        won_90d=67,
        lost_90d=89,
        own_open_deals=123,
        own_open_value=Decimal("1234567"),
        own_stale_deals=45,
        own_deals_without_next_step=32,
        own_overdue_close_dates=21,
        own_won_90d=2,
        own_lost_90d=3,
        stale_days=14,
        fetched_at=datetime.now(UTC),
        source="Demo CRM",
        attention=attention,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    default_budget = LLMSettings.model_fields["max_prompt_tokens"].default
    parser.add_argument("--budget", type=int, default=default_budget, help="prompt budget in tokens")
    budget = parser.parse_args().budget
    try:
        library = LessonLibrary.load()
    except LessonError as error:
        print(f"The lesson library is not complete yet ({error}); first problems:", file=sys.stderr)
        for problem in error.problems[:5]:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None

    stats = sample_stats()
    print(f"budget {budget} tokens (estimated at 3 characters per token)\n")
    print(f"{'lang':4}  {'tokens':>6}  {'ratio':>5}  {'sent':>4}  {'cut':>3}  question")
    ratios: list[float] = []
    sent_counts: dict[str, list[int]] = {}
    for language in LANGUAGES:
        lessons = library.in_language(language)
        if len(lessons) < MIN_LESSONS_PER_LANGUAGE:
            print(f"({language}: only {len(lessons)} lessons so far; numbers will change)")
        if not lessons:
            continue
        index = LessonIndex(lessons, language, vocabulary=Vocabulary.load())
        for question in QUESTIONS[language]:
            ranked = index.search(question, k=len(lessons), stats=stats)
            asked = asked_metric(question, language)
            hits = focus_hits(ranked, asked=asked, stats=stats)
            grounding = ground(hits[0].lesson, stats, asked=asked)
            built = build_prompt(
                question=question,
                language=language,
                stats=stats,
                hits=hits,
                names=Pseudonyms(stats, language, send_names=False),
                max_prompt_tokens=budget,
                grounding=grounding,
            )
            if built is None:
                print(f"{language:4}  {'-':>6}  {'-':>5}  {0:>4}  {'-':>3}  {question}  (nothing fits)")
                continue
            messages, sent = built
            tokens = estimate_tokens(messages)
            shortened = "yes" if " …" in messages[-1].content else "no"
            ratios.append(tokens / budget)
            sent_counts.setdefault(language, []).append(len(sent))
            print(
                f"{language:4}  {tokens:>6}  {tokens / budget:>5.2f}  "
                f"{len(sent)}/{len(hits)}  {shortened:>3}  {question}"
            )
    if ratios:
        print(f"\nmean ratio {sum(ratios) / len(ratios):.2f}, max {max(ratios):.2f}")
    for language, counts in sent_counts.items():
        print(
            f"{language}: lessons in the prompt with numbers and goal: min {min(counts)}, max {max(counts)}"
        )


if __name__ == "__main__":
    main()
