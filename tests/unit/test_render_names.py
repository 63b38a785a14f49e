"""CRM and Slack names in what goes to Slack: no mention, link or formatting from them (mrkdwn has no
escape for ` * _ ~, so those become look-alikes), while the template's own formatting stays."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.coaching.kind_answers import attention_text
from bot.coaching.team import ManagerProgress
from bot.crm.base import AttentionDeal, ManagerStats, Owner
from bot.render.kit import literal, unstyled_names
from bot.render.outbound import welcome_message
from bot.render.replies import Answer, answer_message, answer_record, stats_message, stored_answer
from bot.render.team import team_message
from bot.store.reflections import StoredReflection
from tests.helpers import all_text

NAME = "`Harbor` *& Co* _EU_ ~old~ <!channel>"
SHOWN = "ˋHarborˋ ∗&amp; Co∗ ˍEUˍ ∼old∼ &lt;!channel&gt;"  # what Slack gets for NAME


def _stats(name: str) -> ManagerStats:
    deal = AttentionDeal("1", name, "Anna Berger", Decimal(1000), ("stale",), owner_id="M1")
    return ManagerStats(
        owner=Owner("M1", "a@example.com", name),
        team_size=0,
        open_deals=1,
        open_value=Decimal(1000),
        currency="EUR",
        stale_deals=1,
        deals_without_next_step=0,
        overdue_close_dates=0,
        activities_7d_manager=0,
        activities_7d_team=0,
        won_90d=0,
        lost_90d=0,
        own_open_deals=1,
        own_open_value=Decimal(1000),
        own_stale_deals=1,
        own_deals_without_next_step=0,
        own_overdue_close_dates=0,
        own_won_90d=0,
        own_lost_90d=0,
        stale_days=14,
        fetched_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        source="Demo CRM",
        attention=(deal,),
    )


def test_a_name_is_shown_as_written_in_mrkdwn() -> None:
    assert literal(NAME) == SHOWN


def test_only_the_quoted_names_lose_their_formatting_characters() -> None:
    text = "*Worth a look first*\n• `Harbor` *& Co* – Anna\n_Numbers from `/crmcoach stats`_"

    posted = unstyled_names(text, ["`Harbor` *& Co*", "_"])  # a lone "_" would hit the template

    assert posted == "*Worth a look first*\n• ˋHarborˋ ∗& Co∗ – Anna\n_Numbers from `/crmcoach stats`_"


def test_the_stats_card_and_its_notification_show_the_names_as_written() -> None:
    message = stats_message(_stats(NAME), "en")

    assert message["text"] == f"Your pipeline, {SHOWN}"
    assert f"• {SHOWN} – Anna Berger" in all_text(message)
    assert NAME not in all_text(message)


def test_an_answer_unstyles_its_quoted_names_also_after_waiting_in_the_outbox() -> None:
    text = attention_text(_stats(NAME), "en") + "\n\n_Numbers from Demo CRM. `/crmcoach stats` shows more._"
    answer = Answer(text=text, source="offline", language="en", kind="numbers", quoted=(NAME,))

    for message in (answer_message(answer), stored_answer(answer_record(answer))):
        posted = all_text(message)
        assert f"• {SHOWN} – Anna Berger" in posted
        assert "_Numbers from Demo CRM. `/crmcoach stats` shows more._" in posted  # the template's own
    assert f"• {NAME} – Anna Berger" in answer.text  # the CLI prints answer.text: the name as written


def test_the_welcome_notification_shows_the_name_as_written() -> None:
    message = welcome_message(
        language="en", name=NAME, crm="Demo CRM", nudge_day="Monday", nudge_time="09:00",
        lesson_days="Tuesday", tz="Europe/Vienna",
    )  # fmt: skip

    assert message["text"] == f"Hi {SHOWN}, I'm your CRM Coach"
    assert message["blocks"][0]["text"]["text"].startswith(f"Hi {NAME}")  # a header is plain text


def test_the_team_view_shows_names_and_reflections_as_written() -> None:
    said = StoredReflection(
        "U1", "next-steps-1", f"I asked {NAME} for a date", datetime(2026, 11, 20, tzinfo=UTC)
    )
    progress = ManagerProgress("U1", NAME, 1, 2, 3, 1, 10, 12, 4, None, None, 1, said)

    line = team_message([progress], page=1, language="en")["blocks"][1]["text"]["text"]

    assert line.startswith(f"*{SHOWN}*\nLessons 1")
    assert f"I asked {SHOWN} for a date" in line  # inside the italic quote: no "_" to end it early
