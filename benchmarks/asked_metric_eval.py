"""Numbers and goals on the metric the question names (issue 9, items 3 and 4), on the labelled set.

    .venv/bin/python benchmarks/asked_metric_eval.py [--split dev|test|all] [--set NAME | --file PATH]
        [--skip-ids PREFIX] [--show-misses]

For every labelled question that names a metric (benchmarks/coaching_eval/questions.yaml: metric
family and scope), asks the offline coach with each demo manager's numbers and prints:
- numbers-on-asked-metric: the first number the answer states is of the asked family (and scope);
- goal-on-asked-metric: the practice goal is on the asked family (and scope), counted over the
  questions whose family a goal can be on (won_lost and open_value have no goal metric in the schema);
- top-lesson hit rate on all coaching questions (the answer's first lesson is a labelled one), to
  show that preferring the asked metric does not cost lesson accuracy.
- asked metric detected: what bot/coaching/asked.py reads from the text is the labelled family (and
  scope), per language, counted over the coaching and numbers questions that name one.
- numbers answers with only the asked family: of the numbers answers to questions naming a metric,
  those that state no other family (a question naming two metrics counts as a miss).
NAME is a set of benchmarks/eval_sets.py (default questions). With `--set kinds_dev` (or any kinds_*
set, all of them dev), each message is answered the way users get it: classified first, then
coaching, numbers or another kind's answer (a goal only for coaching).
Prints figures only; tune on dev, report test.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from eval_sets import SETS

from bot.coaching.ask import Numbers, answer_by_kind
from bot.coaching.asked import family_of, read_asked
from bot.coaching.coach import Coach, CoachAnswer
from bot.coaching.goals import scope_of
from bot.coaching.lessons import LessonLibrary
from bot.crm.base import ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.store.db import make_engine
from bot.store.migrations import upgrade

ASKING_KINDS = {"coaching", "numbers"}
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
GOAL_FAMILIES = {"stale", "no_next_step", "overdue", "activities", "open_deals"}


def demo_stats() -> list[ManagerStats]:
    engine = make_engine("sqlite://")
    upgrade(engine)
    seed_demo(engine, as_of=NOW)
    crm = DemoConnector(engine)
    stats = []
    for index in range(3):
        owner = crm.find_owner_by_email(demo_manager_email(index))
        assert owner is not None
        stats.append(crm.manager_stats(owner.crm_id, now=NOW))
    return stats


def ratio(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.1%}" if total else "n/a"


def answer(coach: Coach, question: dict[str, Any], stats: ManagerStats, *, by_kind: bool) -> CoachAnswer:
    if not by_kind:
        return coach.answer(question["text"], language=question["language"], stats=stats, offline=True)
    pending = bool(question.get("after_lesson"))
    kind = coach.classifier.classify(question["text"], reflection_pending=pending).kind
    return answer_by_kind(
        coach=coach,
        kind=kind,
        question=question["text"],
        language=question["language"],
        numbers=Numbers(stats=stats, linked=True),
        prompt=None,
        crm_name="Demo CRM",
        now=NOW,
        offline=True,
    )


def detected(chosen: list[dict[str, Any]], *, show_misses: bool = False) -> None:
    """How often asked.py reads the labelled family (and scope) from the text, per language; with
    show_misses, each wrong reading and the words that decided it."""
    for language in ("en", "de"):
        named = [q for q in chosen if q["language"] == language and q["metric"] and q["kind"] in ASKING_KINDS]
        readings = [read_asked(q["text"], language) for q in named]
        found = [reading.metric if reading else "" for reading in readings]
        for reading, question in zip(readings, named, strict=True):
            wanted = (question["metric"], question["scope"])
            if show_misses and (
                reading is None or (family_of(reading.metric), scope_of(reading.metric)[1]) != wanted
            ):
                why = (
                    f"{reading.metric} ({reading.family_term!r} / {reading.scope_term!r})"
                    if reading
                    else None
                )
                print(f"  detection miss [{wanted[0]}/{wanted[1]}] {question['text']!r} -> {why}")
        family = sum(family_of(f) == q["metric"] for f, q in zip(found, named, strict=True))
        scoped = sum(
            family_of(f) == q["metric"] and scope_of(f)[1] == q["scope"]
            for f, q in zip(found, named, strict=True)
        )
        print(f"asked metric detected {language} (family):         {ratio(family, len(named))}")
        print(f"asked metric detected {language} (family+scope):   {ratio(scoped, len(named))}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--set", choices=sorted(SETS), default="questions", dest="eval_set")
    parser.add_argument(
        "--skip-ids", metavar="PREFIX", action="append", default=[], help="leave out ids with this prefix"
    )
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--file", type=Path, help="a kinds_* file in the same format (answered by kind)")
    args = parser.parse_args()
    by_kind = args.file is not None or args.eval_set != "questions"
    source = args.file or SETS[args.eval_set]
    questions: list[dict[str, Any]] = yaml.safe_load(source.read_text(encoding="utf-8"))
    chosen = [
        q
        for q in questions
        if (args.split == "all" or q["split"] == args.split)
        and not str(q["id"]).startswith(tuple(args.skip_ids))
    ]
    coach = Coach(library=LessonLibrary.load())
    managers = demo_stats()
    counts = dict.fromkeys(
        (
            "asked",
            "numbers_family",
            "numbers_scope",
            "numbers_answers",
            "only_asked",
            "goal_total",
            "goal_family",
            "goal_scope",
            "no_goal",
        ),
        0,
    )
    coaching = lesson_hits = 0
    for question in chosen:
        for stats in managers:
            reply = answer(coach, question, stats, by_kind=by_kind)
            if question["kind"] == "coaching" and question.get("lessons"):
                coaching += 1
                lesson_hits += reply.lessons[0].id in question["lessons"]
            family, scope = question["metric"], question["scope"]
            if not family or (by_kind and question["kind"] not in ASKING_KINDS):
                continue
            counts["asked"] += 1
            first = reply.numbers[0].metric if reply.numbers else ""
            if args.show_misses and family_of(first) != family:
                print(f"  numbers miss [{family}/{scope}] {question['text']!r} -> {first or None}")
            counts["numbers_family"] += family_of(first) == family
            counts["numbers_scope"] += family_of(first) == family and scope_of(first)[1] == scope
            if not reply.lessons and reply.numbers:  # answered as numbers
                counts["numbers_answers"] += 1
                counts["only_asked"] += all(family_of(fact.metric) == family for fact in reply.numbers)
            if family not in GOAL_FAMILIES or (by_kind and question["kind"] != "coaching"):
                continue
            counts["goal_total"] += 1
            goal = reply.goal.metric if reply.goal else ""
            counts["no_goal"] += reply.goal is None
            counts["goal_family"] += family_of(goal) == family
            counts["goal_scope"] += family_of(goal) == family and scope_of(goal)[1] == scope
            if args.show_misses and (family_of(goal) != family or scope_of(goal)[1] != scope):
                what = "goal miss" if family_of(goal) != family else "goal scope miss"
                print(
                    f"  {what} [{family}/{scope}] {question['text']!r}",
                    f"-> {goal or None} ({reply.lessons[0].id if reply.lessons else None})",
                )
    print(f"{args.eval_set} split {args.split}: {len(chosen)} questions x {len(managers)} demo managers")
    detected(chosen, show_misses=args.show_misses)
    print(f"numbers on the asked metric (family):        {ratio(counts['numbers_family'], counts['asked'])}")
    print(f"numbers on the asked metric (family+scope):  {ratio(counts['numbers_scope'], counts['asked'])}")
    print(
        "numbers answers with only the asked family: ",
        ratio(counts["only_asked"], counts["numbers_answers"]),
    )
    print(
        f"goal on the asked metric (family):           {ratio(counts['goal_family'], counts['goal_total'])}"
    )
    print(f"goal on the asked metric (family+scope):     {ratio(counts['goal_scope'], counts['goal_total'])}")
    print(f"  of which without any goal (reflective or met): {counts['no_goal']}")
    print(f"top lesson is a labelled one (coaching):     {ratio(lesson_hits, coaching)}")


if __name__ == "__main__":
    main()
