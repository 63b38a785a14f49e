"""The demo CRM seed and `crmcoach demo`, as a newcomer runs it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.crm.demo_seed import seed_demo
from bot.demo.run import run_demo
from bot.store.models import DemoActivity, DemoDeal, DemoOwner
from tests.conftest import NOW


def _snapshot(engine: Engine) -> list[tuple[object, ...]]:
    with Session(engine) as session:
        return [
            (d.id, d.owner_id, d.amount, d.status, d.close_date, d.next_step, d.last_activity_at)
            for d in session.scalars(select(DemoDeal).order_by(DemoDeal.id))
        ]


def test_seeding_is_deterministic_and_replaces_old_data(engine: Engine) -> None:
    seed_demo(engine, deals=120, as_of=NOW)
    first = _snapshot(engine)
    seed_demo(engine, deals=120, as_of=NOW)

    assert _snapshot(engine) == first
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DemoOwner)) == 3 + 12
        assert session.scalar(select(func.count()).select_from(DemoDeal)) == 120
        assert session.scalar(select(func.count()).select_from(DemoActivity)) > 0


def test_bad_seed_sizes_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        seed_demo(engine, managers=0)


def test_demo_shows_help_stats_and_the_unlinked_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    output = io.StringIO()

    assert run_demo(console=Console(file=output, width=120)) == 0

    shown = output.getvalue()
    assert "Was du mich fragen kannst" in shown  # Anna's help, in German
    assert "Deine Pipeline, Anna" in shown
    assert "Your pipeline, James" in shown and "Open deals" in shown
    pruned = " ".join(shown.split("are hot air")[1].split("Only you can see")[0].replace("│", " ").split())
    assert "Lessons: pipeline-review-prune-to-real-deals" in pruned  # too many deals: close the unreal ones
    own_won = shown.split("did I win myself?")[1].split("Only you can see")[0]
    own_won = " ".join(own_won.replace("│", " ").split())
    assert "deals of your own in the last 90 days" in own_won and "Lessons:" not in own_won  # the own count
    assert "at most" in pruned and "open deals in your team within 7 days" in pruned  # the goal on them
    biggest = shown.split("ask what are our 3 biggest deals?")[1].split("Only you can see this")[0]
    assert biggest.count("• €") == 3  # a numbers question: the three biggest open deals, no lesson
    assert "Drawn from your team's " in biggest and " open deals, worth €" in biggest  # of what whole
    assert "Lessons:" not in biggest
    by_stage = shown.split("ask pipeline by stage")[1].split("Only you can see this")[0]
    assert "Open deals by stage in your team" in by_stage  # the demo CRM's stages, in pipeline order
    assert by_stage.index("• Qualification:") < by_stage.index("• Negotiation:") < by_stage.index("• Commit:")
    tool = shown.split("overdue opportunities?")[1].split("Only you can see this")[0]
    assert (
        "help.salesforce.com" in tool and "Your numbers" in tool
    )  # a tool how-to, with the number it is about
    assert "close date in the past" in " ".join(tool.replace("│", " ").split())
    others = " ".join(
        shown.split("does the CEO have?")[1].split("Only you can see this")[0].replace("│", " ").split()
    )
    assert "I only see your own deals and your team's, not anyone else's" in others
    closed = " ".join(
        shown.split("did we close this quarter?")[1]
        .split("Only you can see this")[0]
        .replace("│", " ")
        .split()
    )
    assert "won" in closed and "in the last 90 days" in closed  # closing words ask for the won count
    assert "crmcoach managers link --slack U0PAT" in shown
    assert "I don't know forecast yet" in shown
    assert "Lektionen: pipeline-review-" in shown  # Anna's question, answered from the lessons
    assert "Hallo Anna, ich bin dein CRM Coach" in shown and "Deine Woche in Demo CRM" in shown
    assert "Hi James, I'm your CRM Coach" in shown and "Your week in Demo CRM" in shown
    assert "Als erledigt vermerkt" in shown and "im CRM nach" in shown  # Done: checked before praised
    second_week = shown.split("second weekly nudge")[1]
    assert "Deine Übungen, im CRM nachgeschaut" in second_week and "→" in second_week
    assert "Anteil liegengebliebener Deals" in second_week  # the same focus as in the first week
    assert "Exercise: Start the review with the deals nobody touched" in shown  # a coach's broadcast
    assert "@U0JAMES asked for help" in shown and "Team progress" in shown
    assert not (tmp_path / ".demo").exists()  # cleaned up unless --keep
    chart = (
        tmp_path / "crmcoach-demo-output" / "anna-home-hygiene.png"
    )  # the Home's chart, named in the output
    assert "Anna's Home tab" in shown and "anna-home-hygiene.png" in shown
    assert chart.read_bytes().startswith(b"\x89PNG")
    export = json.loads((tmp_path / "crmcoach-demo-output" / "anna-data-export.json").read_text())
    assert (
        export["slack_user_id"] == "U0ANNA" and export["tables"]["managers"][0]["slack_user_id"] == "U0ANNA"
    )
