"""The labelled message sets that message_kinds.py and asked_metric_eval.py score, by name (--set NAME)."""

from pathlib import Path

FOLDER = Path(__file__).parent / "coaching_eval"
NAMES = (
    "questions",
    "kinds_dev",
    "kinds_check",
    "kinds_unseen",
    "kinds_probe",
    "kinds_probe2",
    "kinds_blind7",
    "kinds_blind8",
    "kinds_blind9",
    "kinds_blind10",
    "kinds_blind11",
    "kinds_blind12",
    "metric_blind16",
    "metric_blind18",
    "metric_blind19",
    "metric_blind20",
)
SETS = {name: FOLDER / f"{name}.yaml" for name in NAMES}
