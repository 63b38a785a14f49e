"""Offline coach latency: answering questions from the lesson library, against Slack's 3 s budget.

    .venv/bin/python benchmarks/offline_answer.py [--rounds 20]

Prints the time to load and index the library (and the language models), and per-answer latency
(median, 95th percentile and worst; language detection included) as a fraction of the 3 s acknowledgement
window. The median should stay at or below 20 ms. Prints numbers only.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.coaching.coach import Coach
from bot.coaching.lessons import LessonLibrary

QUESTIONS = [
    ("en", "How should I run our weekly pipeline review?"),
    ("en", "Half of my deals have no next step, what do I do?"),
    ("en", "My reps still use spreadsheets"),
    ("de", "Wie wird mein Forecast genauer?"),
    ("de", "Wie bringe ich mein Team dazu, Anrufe zu erfassen?"),
    ("de", "Ich bin neu im CRM, womit fange ich an?"),
    # compounds, CRM field names, "1:1", and a German question from an English profile (detected)
    ("de", "Unsere Prognosegenauigkeit ist schlecht, und die Schlusstermine stimmen nie"),
    ("de", "Was bespreche ich im 1:1 mit meinem Vertriebsmitarbeiter?"),
    ("en", "Die Hälfte meiner Verkaufschancen hat keine Wiedervorlage"),
    ("en", "our opportunities have close dates in the past and no follow-up"),
]
SLACK_BUDGET_SECONDS = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    coach = Coach(library=LessonLibrary.load())
    loaded = time.perf_counter() - started
    print(f"library loaded and indexed in {loaded:.3f} s ({len(coach.library.lessons)} lessons)")
    timings = []
    for _ in range(args.rounds):
        for language, question in QUESTIONS:
            began = time.perf_counter()
            coach.answer(question, language=language, stats=None, offline=True)  # type: ignore[arg-type]
            timings.append(time.perf_counter() - began)
    median, worst = statistics.median(timings), max(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"{len(timings)} answers: median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"worst {worst * 1000:.2f} ms"
    )
    budget = SLACK_BUDGET_SECONDS
    print(f"median / Slack's 3 s window: {median / budget:.5f}; worst: {worst / budget:.5f}")


if __name__ == "__main__":
    main()
