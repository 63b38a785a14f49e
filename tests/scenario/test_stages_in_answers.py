"""Asked for the pipeline by stage, or for one stage by its name, Slack and `crmcoach ask` show each
stage's open deals and their value, in the pipeline's order, in English and German."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from bot.cli import main
from bot.container import Container
from bot.crm.demo_seed import STAGES
from bot.demo.standins.slack import SlackStandIn
from bot.formatting import format_money
from bot.i18n import Language
from bot.store.models import DemoDeal, DemoOwner
from tests.helpers import all_text, ask_json, command, final_reply

ANNA = "anna.berger@example.com"  # M00001, Slack locale de-DE
GERMAN_PROPOSAL = "Angebotsphase"  # a German CRM's label for the demo's "Proposal"


def by_stage(engine: Engine, manager: str, *, own: bool = False) -> dict[str, tuple[int, Decimal]]:
    """The team's (or own) open deals per stage, counted the obvious way from the demo tables."""
    with engine.connect() as connection:
        team = {manager} | set(
            connection.scalars(select(DemoOwner.id).where(DemoOwner.manager_id == manager))
        )
        rows = connection.execute(
            select(DemoDeal.owner_id, DemoDeal.stage, DemoDeal.amount).where(DemoDeal.status == "open")
        ).all()
    counts: Counter[str] = Counter()
    values: defaultdict[str, Decimal] = defaultdict(Decimal)
    for owner, stage, amount in rows:
        if (owner == manager) if own else (owner in team):
            counts[stage] += 1
            values[stage] += Decimal(amount)
    return {stage: (counts[stage], values[stage]) for stage in counts}


def line(stage: str, deals: int, value: Decimal, language: Language) -> str:
    word = {"en": ("open deal", "open deals"), "de": ("offener Deal", "offene Deals")}[language]
    return f"• {stage}: {deals} {word[deals != 1]}, {format_money(value, 'EUR', language)}"


def stage_lines(text: str) -> list[str]:
    """The stage lines of a reply (Slack's fallback text repeats what the blocks show: once each)."""
    rows = [row for row in text.splitlines() if re.match(r"• [^:]+: \d+ (open|offene|offener) ", row)]
    return list(dict.fromkeys(rows))


def test_pipeline_by_stage_lists_every_stage_in_pipeline_order(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    want = by_stage(container.engine, "M00002")

    command(base_url, slack, "U0JAMES", "ask pipeline by stage")

    text = all_text(final_reply(slack))
    assert "*Open deals by stage in your team*" in text
    assert stage_lines(text) == [line(stage, *want[stage], "en") for stage in STAGES]
    assert "lesson" not in text.lower()


def test_one_stage_by_its_name_shows_that_stage_only(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    want = by_stage(container.engine, "M00002")

    command(base_url, slack, "U0JAMES", "ask how many deals are in negotiation?")

    text = all_text(final_reply(slack))
    assert stage_lines(text) == [line("Negotiation", *want["Negotiation"], "en")]


@pytest.fixture
def german_labels(container: Container) -> dict[str, tuple[int, Decimal]]:
    """The demo's "Proposal" deals in a stage a German CRM calls „Angebotsphase“; Anna's team's stages."""
    with container.engine.begin() as connection:
        connection.execute(update(DemoDeal).where(DemoDeal.stage == "Proposal").values(stage=GERMAN_PROPOSAL))
    return by_stage(container.engine, "M00001")


def test_german_breakdown(
    base_url: str, slack: SlackStandIn, german_labels: dict[str, tuple[int, Decimal]]
) -> None:
    command(base_url, slack, "U0ANNA", "ask Deals pro Phase")

    text = all_text(final_reply(slack))
    assert "*Offene Deals nach Phase in deinem Team*" in text
    # a label the demo pipeline does not know comes after its stages (local data has no stage order)
    order = [stage for stage in STAGES if stage != "Proposal"] + [GERMAN_PROPOSAL]
    assert stage_lines(text) == [line(stage, *german_labels[stage], "de") for stage in order]


def test_german_question_for_one_stage_by_its_german_label(
    base_url: str, slack: SlackStandIn, german_labels: dict[str, tuple[int, Decimal]]
) -> None:
    command(base_url, slack, "U0ANNA", "ask wie viele Deals sind in der Angebotsphase?")

    text = all_text(final_reply(slack))
    assert stage_lines(text) == [line(GERMAN_PROPOSAL, *german_labels[GERMAN_PROPOSAL], "de")]


def test_own_deals_by_stage(base_url: str, slack: SlackStandIn, container: Container) -> None:
    want = by_stage(container.engine, "M00002", own=True)

    command(base_url, slack, "U0JAMES", "ask my own deals by stage")

    text = all_text(final_reply(slack))
    assert "*Your open deals by stage*" in text
    assert stage_lines(text) == [
        line(stage, *want[stage], "en") if stage in want else f"• {stage}: 0 open deals" for stage in STAGES
    ]
    assert len(want) >= 2  # James owns deals in several stages: the own scope shows


@pytest.mark.usefixtures("cli_env")
def test_crmcoach_ask_json_gives_each_stage_its_count_and_value(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    want = by_stage(seeded, "M00001")

    assert main(["ask", "how many deals are in Negotiation?", "--offline", "--user", ANNA]) == 0
    printed = capsys.readouterr().out
    answer = ask_json("how many deals are in Negotiation?", capsys, "--user", ANNA)

    deals, value = want["Negotiation"]
    assert line("Negotiation", deals, value, "en") in printed
    assert answer["kind"] == "numbers"
    assert answer["numbers"] == [
        {"metric": "open_deals", "scope": "team", "value": deals, "of": None, "stage": "Negotiation"},
        {
            "metric": "open_value",
            "scope": "team",
            "value": int(value),
            "of": None,
            "stage": "Negotiation",
            "currency": "EUR",
        },
    ]  # no other_currencies: not kept per stage, and [] would claim there are none
    breakdown = ask_json("pipeline by stage", capsys, "--user", ANNA)
    counted = [(f["stage"], f["value"]) for f in breakdown["numbers"] if f["metric"] == "open_deals"]
    assert counted == [(stage, want[stage][0]) for stage in STAGES]
    # README's field list names the stage field
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    described = readme[readme.index("# --json:") : readme.index("crmcoach lessons check")]
    assert re.search(r"\bstage\b", described)
    assert re.search(r"stage's open_value has currency but no other_currencies", described)
