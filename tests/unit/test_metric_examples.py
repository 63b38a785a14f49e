"""The asked-metric model's examples (prompts/coach/metric_examples.yaml) are the dev halves' labelled
messages and nothing else: a test-half or held-out message among them would be scored on what the
model was taught."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.coaching.asked_model import EXAMPLES_FILE
from bot.coaching.training import question_key
from tests.helpers import load_yaml

WRITTEN_FILE = EXAMPLES_FILE.with_name("metric_written.yaml")
EVAL_DIR = Path(__file__).parents[2] / "benchmarks" / "coaching_eval"
HELD_OUT_SETS = ("metric_blind20.yaml",)  # decides whether the model helps, never teaches it
HELD_OUT_BATCH = re.compile(r"(?:en|de)-20\d{3}")  # batch 20 of questions.yaml, likewise


def _items(name: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = load_yaml((EVAL_DIR / name).read_text(encoding="utf-8"))
    return loaded


def _shipped() -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = load_yaml(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return loaded


def test_no_test_half_or_held_out_message_teaches_the_model() -> None:
    shown = {question_key(text) for texts in _shipped().values() for text in texts}
    banned = [
        str(item["text"])
        for path in sorted(EVAL_DIR.glob("*.yaml"))
        for item in _items(path.name)
        if item.get("split") != "dev"
        or path.name in HELD_OUT_SETS
        or HELD_OUT_BATCH.fullmatch(str(item["id"]))
    ]

    assert len(shown) > 1000
    assert [text for text in banned if question_key(text) in shown] == []


def test_each_example_carries_the_family_its_dev_item_or_written_line_is_labelled_with() -> None:
    written: dict[str, list[str]] = load_yaml(WRITTEN_FILE.read_text(encoding="utf-8"))
    labels = {question_key(text): family for family, texts in written.items() for text in texts}
    labels |= {
        question_key(str(item["text"])): item["metric"] or "none"
        for name in ("questions.yaml", "metric_blind16.yaml", "metric_blind18.yaml", "metric_blind19.yaml")
        for item in _items(name)
        if item["split"] == "dev" and item["kind"] in {"coaching", "numbers"}
    }
    wrong = [
        (family, text)
        for family, texts in _shipped().items()
        for text in texts
        if labels.get(question_key(text)) != family
    ]

    assert wrong == []
