"""The kind model beside the rules: where no rule fires it decides, it says so, and it never lets an
off-topic or hostile message get a goal. Wordings here are new (not from the evaluation sets)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.coaching.kind_model import (
    TRAINING_DIR,
    KindModel,
    load_examples,
    trained_model,
    training_examples,
    training_problems,
)
from bot.coaching.kinds import KINDS, MessageClassifier
from bot.coaching.shared import CONTENT_DIRS, content_fingerprint
from tests.helpers import ask_json, eval_items, text_key

ANNA = "anna.berger@example.com"


def test_the_training_files_are_valid_and_cover_every_kind_but_reflection() -> None:
    examples, problems = training_examples([], KINDS)

    assert problems == []
    assert {kind for _, kind in examples} == set(KINDS) - {"reflection"}


def test_no_training_message_is_an_evaluation_item() -> None:
    evaluated = {text_key(item["text"]) for item in eval_items()}
    trained = [text for path in TRAINING_DIR.glob("*.yaml") for text, _ in load_examples(path, KINDS)[0]]

    assert [text for text in trained if text_key(text) in evaluated] == []


def test_a_kind_listed_twice_in_a_training_file_is_reported_not_silently_merged(tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text('numbers:\n  - "offene Deals?"\ncontrols:\n  - "Pause"\nnumbers:\n  - "Pipelinewert?"\n')

    examples, problems = load_examples(path, KINDS)

    assert examples == []
    assert problems == [f"{path}:5: kind 'numbers' is listed twice (merge its messages into one list)"]


def test_a_training_file_with_an_unknown_kind_or_a_repeat_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        'numbers:\n  - "open deals?"\n  - "Open deals?"\nsmalltalk:\n  - "hi"\n', encoding="utf-8"
    )

    examples, problems = load_examples(path, KINDS)

    assert examples == [("open deals?", "numbers"), ("Open deals?", "numbers")]
    assert f"{path}: kind 'numbers': lists the message 'Open deals?' twice" in problems
    assert any("unknown kind 'smalltalk'" in problem for problem in problems)


def test_a_kind_file_is_checked_like_a_lesson_training_file_but_repeats_count_across_kinds(
    tmp_path: Path,
) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        'numbers:\n  - "open deals?"\n  - ""\ncontrols: []\noff_topic:\n  - "Open  deals?"\n',
        encoding="utf-8",
    )

    examples, problems = load_examples(path, KINDS)

    assert examples == [("open deals?", "numbers"), ("Open  deals?", "off_topic")]
    assert problems == [
        f"{path}: kind 'numbers': each entry must be a non-empty message (quote it)",
        f"{path}: kind 'controls': must be a non-empty list of messages",
        f"{path}: kind 'off_topic': lists the message 'Open  deals?' twice",
    ]


def test_lessons_check_reports_broken_or_misspelt_training_files(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text('numbers:\n  - "open deals?"\n  - [unclosed\n', encoding="utf-8")
    (tmp_path / "de.yaml").write_text('hostlie:\n  - "hau ab"\n', encoding="utf-8")

    problems = training_problems(KINDS, tmp_path)

    assert any("not readable as UTF-8 YAML" in problem for problem in problems)
    assert any("unknown kind 'hostlie'" in problem for problem in problems)
    assert any("fewer than 2 kinds" in problem for problem in problems)


def test_the_shipped_training_files_pass_lessons_check() -> None:
    assert training_problems(KINDS) == []


def test_a_model_of_one_kind_is_refused_and_the_coach_falls_back_to_the_rules() -> None:
    with pytest.raises(ValueError, match="2 kinds"):
        KindModel([("open deals?", "numbers"), ("stale deals", "numbers")])
    with pytest.raises(ValueError, match="2 kinds"):
        KindModel([])

    assert trained_model(["how do I run a pipeline review?"], ["coaching"]) is None


@pytest.mark.parametrize(
    "message",
    [
        "your pipeline tips bore me to death, honestly",
        "deine Pipeline-Tipps langweilen mich zu Tode",
        "deine Forecast-Ratschläge kannst du behalten",
        "my pipeline is none of your concern",
    ],
)
def test_coaching_that_names_the_work_gets_no_goal_when_the_model_reads_it_as_hostile(
    classifier: MessageClassifier, message: str
) -> None:
    # the rules find the work (pipeline, Forecast) and no hostile term; the model's doubt withholds the goal
    assert classifier.classify(message).kind == "coaching"
    assert classifier.work_evidence(message) is not None

    assert classifier.goal_evidence(message) is None


def test_a_withheld_goal_is_logged_with_the_models_reading(
    classifier: MessageClassifier, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.coaching.kinds"):
        classifier.goal_evidence("your pipeline tips bore me to death, honestly")

    assert any("goal withheld, the model reads it as hostile" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "message",
    [
        "how do I run a weekly pipeline review with my team?",
        "Wie führe ich ein Forecast-Meeting mit dem Team?",
    ],
)
def test_a_real_coaching_question_keeps_its_goal(classifier: MessageClassifier, message: str) -> None:
    assert classifier.classify(message).kind == "coaching"

    assert classifier.goal_evidence(message) is not None


def test_the_model_picks_the_kind_whose_examples_a_message_resembles() -> None:
    model = KindModel(
        [
            ("how many open deals do I have", "numbers"),
            ("list my overdue deals", "numbers"),
            ("how do I get my team to log calls", "coaching"),
            ("my reps never update their deals, what do I do", "coaching"),
        ]
    )

    assert model.predict("overdue deals list please").kind == "numbers"
    assert model.predict("how do I get my reps to update the crm").kind == "coaching"


def test_the_model_gives_each_kind_a_probability_and_the_same_examples_give_the_same_model() -> None:
    examples = [
        ("how many open deals do I have", "numbers"),
        ("list my overdue deals", "numbers"),
        ("how do I get my team to log calls", "coaching"),
        ("my reps never update their deals, what do I do", "coaching"),
        ("pause the coach until monday", "controls"),
        ("stop sending me tips", "controls"),
    ]
    first, again = KindModel(examples), KindModel(list(examples))

    predicted = first.predict("my overdue deals list")
    assert predicted == again.predict("my overdue deals list")
    assert predicted.kind == "numbers"
    assert 1 / 3 < predicted.score <= 1.0
    assert 0.0 < predicted.margin <= predicted.score
    assert predicted.summary() == (
        f"numbers {predicted.score:.2f}, {predicted.runner_up} {predicted.score - predicted.margin:.2f}"
    )


def test_a_word_of_one_example_only_is_not_learned() -> None:
    # "zebra" is in one example: the model cannot tell its kind from it, so it has no view of it alone
    model = KindModel(
        [
            ("open deals zebra", "numbers"),
            ("open deals count", "numbers"),
            ("coach my team please", "coaching"),
            ("coach my reps please", "coaching"),
        ]
    )

    assert model.predict("zebra") == model.predict("")


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("open pipeline amount for my whole region team?", "numbers"),
        # ("the 3 largest open opps…" is a fragment naming a figure by rule now: "opps" is a deal word)
        ("total amount on open opportunities across my region", "numbers"),
        # ("…for dinner with a customer" is small talk by rule now: it asks nothing and names no CRM work)
        # (a steakhouse or a "place near the" client is an errand by rule now: no word of those here)
        ("recommend a good italian spot close to the customer's office in hamburg", "off_topic"),
        # („schönes Lokal für ein Kundenessen in Frankfurt?“ is an errand by rule now: „Lokal“)
    ],
)
def test_where_no_rule_fires_the_model_decides_and_says_so(
    classifier: MessageClassifier, message: str, kind: str
) -> None:
    result = classifier.classify(message)

    assert (result.kind, message) == (kind, message), result.reason
    assert result.reason.startswith("model: "), result.reason


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("value of all my open opportunities, quickly", "numbers"),
        ("you're the most pointless tool we ever bought", "hostile"),
        ("mute yourself till monday", "controls"),
        ("in salesforce, how do I hand all opportunities of a leaving rep to a colleague", "tool_howto"),
        ("how do I stop my reps from parking deals in the proposal stage for months", "coaching"),
        (
            "Verkäufer pflegen ihre Termine nie nach, und in der Wochenrunde weiß keiner, wo wir stehen",
            "coaching",
        ),
    ],
)
def test_new_wordings_get_their_kind(classifier: MessageClassifier, message: str, kind: str) -> None:
    result = classifier.classify(message)

    assert (result.kind, message) == (kind, message), result.reason


@pytest.mark.parametrize(
    "message",
    [
        "can you explain how to set a good next step?",  # off_topic near the minimum probability
        "can you tell me how to stop deals from going stale?",  # controls 0.3: far from sure
        "please explain how to stop deals from going stale",
        "any tips for weekly 1:1s?",
    ],
)
def test_the_model_overrules_no_coaching_question_it_is_unsure_of(
    classifier: MessageClassifier, message: str
) -> None:
    result = classifier.classify(message)

    assert result.kind == "coaching" and not result.reason.startswith("model:"), result.reason


@pytest.mark.parametrize("message", ["numbers please", "zahlen bitte"])
def test_the_model_says_controls_only_for_a_message_about_the_coach(
    classifier: MessageClassifier, message: str
) -> None:
    # the model reads these as controls with 0.7, yet they name nothing of the coach's messages
    assert classifier.classify(message).kind != "controls"


@pytest.mark.parametrize(
    "message",
    [
        "can you explain what a pipeline review is?",
        "kannst du mir helfen, meine pipeline aufzuräumen?",
        "kannst du mir erklären, was ein veralteter deal ist?",
        "hast du tipps für pipeline-meetings?",
    ],
)
def test_a_polite_coaching_request_keeps_its_goal(classifier: MessageClassifier, message: str) -> None:
    assert classifier.classify(message).kind == "coaching"

    assert classifier.goal_evidence(message) is not None


def test_right_after_a_lesson_the_rules_decide(classifier: MessageClassifier) -> None:
    # the model has no idea a lesson just asked something; "und wie im Homeoffice?" is about that lesson
    result = classifier.classify("und wie klappt das im Homeoffice?", reflection_pending=True)

    assert result.kind == "coaching" and not result.reason.startswith("model")


@pytest.mark.usefixtures("cli_env")
def test_a_numbers_request_the_model_recognised_gets_the_numbers_and_no_lesson(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))

    answer = ask_json("open pipeline amount for my whole region team?", capsys, "--user", ANNA)

    assert (answer["kind"], answer["lessons"], answer["goal"]) == ("numbers", [], None)
    assert answer["numbers"][0]["metric"] == "open_value"


def test_an_edited_kinds_term_or_training_file_rebuilds_the_shared_coach(tmp_path: Path) -> None:
    kinds = tmp_path / "kinds"
    shutil.copytree(TRAINING_DIR.parent, kinds)
    before = content_fingerprint((kinds,))
    terms = kinds / "en.toml"
    terms.write_text(terms.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = content_fingerprint((kinds,))
    (kinds / "training" / "xx.yaml").write_text('numbers:\n  - "deals?"\n', encoding="utf-8")

    assert len({before, edited, content_fingerprint((kinds,))}) == 3
    assert TRAINING_DIR.parent in CONTENT_DIRS


def test_a_prediction_adds_up_the_probabilities_of_the_kinds_asked_about() -> None:
    model = KindModel(
        [
            ("open deals?", "numbers"),
            ("stale deals", "numbers"),
            ("how do I run a review", "coaching"),
            ("how should I coach my reps", "coaching"),
            ("stop", "controls"),
            ("pause please", "controls"),
        ]
    )

    predicted = model.predict("how do I coach a review")

    assert {kind for kind, _ in predicted.probabilities} == {"numbers", "coaching", "controls"}
    assert predicted.probability_of({"numbers", "coaching", "controls"}) == pytest.approx(1.0)
    assert predicted.probability_of({predicted.kind}) == pytest.approx(predicted.score)
