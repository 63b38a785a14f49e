"""Write the labelled dev messages that teach the asked-metric model (bot/coaching/asked_model.py).

    .venv/bin/python benchmarks/metric_examples.py

Every `split: dev` coaching or numbers item of benchmarks/coaching_eval/questions.yaml, metric_blind16.yaml,
metric_blind18.yaml and metric_blind19.yaml becomes an example of its `metric` family (`none` when it
names none) in prompts/coach/metric_examples.yaml, followed by the messages written for training only
(prompts/coach/metric_written.yaml). Never written: the test halves, batch 20 of questions.yaml
(en-20001…, held out to decide whether the model helps) and metric_blind20. A message listed twice
(ignoring case and spacing) is written once, with its first label.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.coaching.asked_model import EXAMPLES_FILE, NONE
from bot.coaching.training import question_key

FOLDER = Path(__file__).parent / "coaching_eval"
SOURCES = tuple(
    FOLDER / f"{name}.yaml" for name in ("questions", "metric_blind16", "metric_blind18", "metric_blind19")
)
WRITTEN = EXAMPLES_FILE.with_name("metric_written.yaml")  # family -> messages written for training only
ASKING_KINDS = {"coaching", "numbers"}
HELD_OUT = re.compile(r"(?:en|de)-20\d{3}")  # batch 20: decides on the model, never teaches it


def labelled(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(id, language, message, family or NONE) of the usable items of one source file, in file order."""
    items: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in items:
        item_id = str(item["id"])
        if item["split"] != "dev" or item["kind"] not in ASKING_KINDS or HELD_OUT.fullmatch(item_id):
            continue
        yield item_id, item["language"], " ".join(str(item["text"]).split()), item["metric"] or NONE


def examples() -> dict[str, list[str]]:
    """family -> its messages, over every source; each message once."""
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    for path in SOURCES:
        for _, _, text, family in labelled(path):
            if question_key(text) not in seen:
                seen.add(question_key(text))
                found.setdefault(family, []).append(text)
    written: dict[str, list[str]] = yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))
    for family, texts in written.items():
        for text in texts:
            if question_key(text) not in seen:
                seen.add(question_key(text))
                found.setdefault(family, []).append(" ".join(text.split()))
    return found


def main() -> None:
    found = examples()
    lines = [
        "# Messages labelled with the metric family they ask about (none: they name none), from the dev",
        "# halves of benchmarks/coaching_eval/questions.yaml (not batch 20), metric_blind16.yaml,",
        "# metric_blind18.yaml and metric_blind19.yaml, then prompts/coach/metric_written.yaml (written",
        "# for training only).",
        "# Made by benchmarks/metric_examples.py; do not edit by hand.",
    ]
    for family in sorted(found):
        lines.append(f"{family}:")
        lines += [f"  - {json.dumps(text, ensure_ascii=False)}" for text in found[family]]
    EXAMPLES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(", ".join(f"{family} {len(texts)}" for family, texts in sorted(found.items())))
    print(f"{EXAMPLES_FILE}: {sum(map(len, found.values()))} messages")


if __name__ == "__main__":
    main()
