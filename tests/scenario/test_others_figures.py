"""Asked for someone else's figures (a name, he/she, the CEO, another team, the whole company), Slack and
`crmcoach ask` say first that the coach sees only the asker's own deals and their team's, then give those
as the asker's; a rep of the asker's team is named as one, with the team's figures. The asker's own and
team's questions get no such line. English and German."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.demo.standins.slack import SlackStandIn
from bot.i18n import t
from bot.store.models import DemoOwner
from tests.helpers import all_text, ask_json, command, final_reply

ANNA = "anna.berger@example.com"  # M00001
OTHERS = {"en": t("en", "kinds.numbers_others"), "de": t("de", "kinds.numbers_others")}


def ask(question: str, capsys: pytest.CaptureFixture[str], locale: str = "en") -> dict[str, Any]:
    return ask_json(question, capsys, "--user", ANNA, "--locale", locale)


def test_slack_says_it_sees_only_the_askers_deals_when_asked_for_marks(
    base_url: str, slack: SlackStandIn
) -> None:
    command(base_url, slack, "U0JAMES", "ask how many overdue deals does Mark have? he's not mine")

    text = all_text(final_reply(slack))
    assert OTHERS["en"] in text
    assert "close date in the past" in text  # then the asker's own figure, as theirs


def test_slack_german_for_the_whole_company(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0ANNA", "ask wie viele offene Deals hat die ganze Firma?")

    text = all_text(final_reply(slack))
    assert OTHERS["de"] in text
    assert "offene Deals" in text


def test_slack_own_team_question_has_no_such_line(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0JAMES", "ask Mark's team is mine, how many overdue?")

    text = all_text(final_reply(slack))
    assert "close date in the past" in text
    assert OTHERS["en"] not in text


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("question", "same_as", "locale"),
    [
        ("what's the CEO's pipeline value?", "what's our pipeline value?", "en"),
        ("how many stale deals does the Berlin team have?", "how many stale deals do we have?", "en"),
        ("was ist der Pipelinewert vom Geschäftsführer?", "was ist unser Pipelinewert?", "de"),
        (
            "wie viele überfällige Deals hat Mark? der ist nicht bei mir",
            "wie viele überfällige Deals habe ich?",
            "de",
        ),
    ],
)
def test_json_keeps_the_askers_numbers_and_says_whose_they_are(
    seeded: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    same_as: str,
    locale: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))

    other, own = ask(question, capsys, locale), ask(same_as, capsys, locale)

    assert other["kind"] == own["kind"] == "numbers"
    assert other["numbers"] == own["numbers"]
    assert OTHERS[locale] in other["answer"]
    assert OTHERS[locale] not in own["answer"]


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("locale", ["en", "de"])
def test_a_rep_of_the_team_is_named_as_one_with_the_teams_figures(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], locale: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    with seeded.connect() as connection:
        reps = connection.scalars(select(DemoOwner.name).where(DemoOwner.manager_id == "M00001")).all()
    question = {
        "en": "how many overdue deals does {name} have?",
        "de": "wie viele überfällige Deals hat {name}?",
    }[locale]

    answers = [ask(question.format(name=name.split()[0]), capsys, locale) for name in reps]

    named = [name for name, answer in zip(reps, answers, strict=True) if name in answer["answer"]]
    assert named, "no rep of the team is named as one"
    assert all(OTHERS[locale] not in answer["answer"] for answer in answers)
    rep_line = t(locale, "kinds.numbers_team_rep", who=named[0], crm="Demo CRM")
    assert rep_line in answers[reps.index(named[0])]["answer"]


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("how many overdue deals do I have? my manager asked me", "en"),
        ("what's my pipeline value? the CEO wants it by friday", "en"),
        ("how many stale deals do I have? I'm new in the company", "en"),
        ("How much is the Sales Team pipeline worth?", "en"),
        ("wie viele Deals hat unser Team Nord?", "de"),
        ("wie viele überfällige Deals habe ich? mein Chef fragt", "de"),
    ],
)
def test_the_askers_own_figure_with_someone_else_beside_it_has_no_such_line(
    seeded: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    question: str,
    locale: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))

    answer = ask(question, capsys, locale)

    assert answer["kind"] == "numbers"
    assert OTHERS[locale] not in answer["answer"]
