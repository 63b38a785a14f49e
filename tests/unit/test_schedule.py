"""Due times in the manager's local time: DST weeks, quiet hours, holidays, weekends, no duplicates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.calendar import Rules, Slot, due_between, first_allowed, local_to_utc
from bot.config import Settings
from bot.delivery.rules import CATCH_UP, MISSED_REASON, NO_ROOM_REASON, Verdict, verdict
from bot.store.delivery_models import Subscription

VIENNA = ZoneInfo("Europe/Vienna")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NUDGE = Slot("nudge", 0, time(9))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_monday_nine_in_vienna_follows_the_spring_dst_change() -> None:
    dues = list(due_between([NUDGE], VIENNA, Rules(), utc(2026, 3, 20), utc(2026, 4, 2)))

    assert [(d.period, d.due_at) for d in dues] == [
        ("2026-W13", utc(2026, 3, 23, 8)),  # CET, UTC+1
        ("2026-W14", utc(2026, 3, 30, 7)),  # CEST, UTC+2, the day after the change
    ]


def test_monday_nine_in_new_york_follows_the_autumn_dst_change() -> None:
    dues = list(due_between([NUDGE], NEW_YORK, Rules(), utc(2026, 10, 24), utc(2026, 11, 4)))

    assert [d.due_at for d in dues] == [utc(2026, 10, 26, 13), utc(2026, 11, 2, 14)]


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_gap() -> None:
    assert local_to_utc(date(2026, 3, 29), time(2, 30), VIENNA) == utc(2026, 3, 29, 1, 30)  # = 03:30 CEST
    assert local_to_utc(date(2026, 3, 8), time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 30)  # = 03:30 EDT


def test_a_time_repeated_by_fall_back_is_due_once_at_its_first_occurrence() -> None:
    night = Slot("lesson", 6, time(2, 30))  # Sunday 02:30, the night clocks go back in Vienna
    rules = Rules(window=(time(0), time(23, 59)), skip_weekends=False)

    dues = list(due_between([night], VIENNA, rules, utc(2026, 10, 24), utc(2026, 10, 26)))

    assert [d.due_at for d in dues] == [utc(2026, 10, 25, 0, 30)]  # 02:30 CEST, not again at 02:30 CET


def test_a_holiday_moves_the_nudge_to_the_next_working_day_same_week_key() -> None:
    rules = Rules(holidays=frozenset({date(2026, 12, 28)}))

    [due] = due_between([NUDGE], VIENNA, rules, utc(2026, 12, 27), utc(2027, 1, 3))

    assert (due.period, due.due_at) == ("2026-W53", utc(2026, 12, 29, 8))


def test_quiet_hours_and_the_window_push_the_time_later() -> None:
    quiet = Rules(quiet=(time(8, 30), time(10)))
    assert first_allowed(utc(2026, 11, 23, 8), VIENNA, quiet) == utc(2026, 11, 23, 9)  # 10:00 local

    evening = local_to_utc(date(2026, 11, 23), time(19), VIENNA)
    assert first_allowed(evening, VIENNA, Rules()) == utc(2026, 11, 24, 7)  # next day, 08:00 local


def test_weekends_are_skipped_unless_allowed() -> None:
    saturday = local_to_utc(date(2026, 11, 28), time(10), VIENNA)

    assert first_allowed(saturday, VIENNA, Rules()) == utc(2026, 11, 30, 9)  # Monday, same time of day
    assert first_allowed(saturday, VIENNA, Rules(skip_weekends=False)) == saturday


def test_lessons_on_two_weekdays_get_distinct_periods() -> None:
    slots = [Slot("lesson", 1, time(10)), Slot("lesson", 3, time(10))]

    dues = list(due_between(slots, VIENNA, Rules(), utc(2026, 11, 23), utc(2026, 11, 30)))

    assert sorted(d.period for d in dues) == ["2026-W48-d1", "2026-W48-d3"]


def test_adjacent_ranges_never_yield_the_same_slot_twice() -> None:
    start = utc(2026, 11, 1)
    seen = []
    for hour in range(24 * 21):
        begin = start + timedelta(hours=hour)
        seen += [d.period for d in due_between([NUDGE], NEW_YORK, Rules(), begin, begin + timedelta(hours=1))]

    assert seen == ["2026-W45", "2026-W46", "2026-W47"]


def test_a_slot_that_can_never_be_placed_is_not_planned() -> None:
    every_day_off = Rules(holidays=frozenset(date(2026, 11, 1) + timedelta(days=n) for n in range(60)))

    assert list(due_between([NUDGE], VIENNA, every_day_off, utc(2026, 11, 1), utc(2026, 12, 1))) == []


# --- the rules the planner and the sender share (bot/delivery/rules.py) -------------------------------
def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _verdict(
    now: datetime, *, deadline: datetime | None, tz: ZoneInfo = VIENNA, **subscription: object
) -> Verdict:
    values: dict[str, object] = {"subscribed": True, **subscription}
    return verdict(
        subscription=Subscription(**values),
        tz=tz,
        settings=_settings(crmcoach_holidays="2026-12-08"),
        kind="lesson",
        now=now,
        deadline=deadline,
    )


def test_inside_the_window_a_message_may_go_now() -> None:
    now = utc(2026, 12, 1, 9)  # Tuesday 10:00 in Vienna

    assert _verdict(now, deadline=now + CATCH_UP) == Verdict(now)


def test_after_the_window_it_waits_for_the_next_morning_within_the_deadline() -> None:
    due = utc(2026, 12, 1, 9)

    assert _verdict(utc(2026, 12, 1, 17, 30), deadline=due + CATCH_UP).send_at == utc(2026, 12, 2, 7)


def test_quiet_hours_postpone_to_their_end() -> None:
    now = utc(2026, 12, 1, 11, 15)  # 12:15 in Vienna

    decision = _verdict(now, deadline=now + CATCH_UP, quiet_hours="12:00-13:00")

    assert decision.send_at == utc(2026, 12, 1, 12)


def test_no_allowed_moment_before_the_deadline_skips_with_the_reason() -> None:
    friday_evening = utc(2026, 12, 4, 17, 30)  # 18:30 in Vienna; the weekend follows

    decision = _verdict(friday_evening, deadline=utc(2026, 12, 5, 9))

    assert decision == Verdict(None, NO_ROOM_REASON)


def test_a_holiday_is_not_a_working_day() -> None:
    monday_evening = utc(2026, 12, 7, 17, 30)  # Tuesday 8 December is a holiday

    assert _verdict(monday_evening, deadline=None).send_at == utc(2026, 12, 9, 7)


def test_past_the_deadline_it_is_missed_and_the_timezone_is_the_current_one() -> None:
    now = utc(2026, 12, 1, 16)  # 08:00 in Los Angeles, 17:00 in Vienna

    assert _verdict(now, deadline=now - timedelta(minutes=1)) == Verdict(None, MISSED_REASON)
    assert _verdict(utc(2026, 12, 1, 8), deadline=now, tz=LOS_ANGELES).send_at == now


def test_unsubscribed_paused_and_unreachable_managers_get_nothing() -> None:
    now = utc(2026, 12, 1, 9)

    assert _verdict(now, deadline=None, subscribed=False).reason == "unsubscribed"
    assert _verdict(now, deadline=None, paused_until=utc(2026, 12, 24)).reason == "paused until 2026-12-24"
    unreachable = _verdict(now, deadline=None, unreachable_reason="deactivated")
    assert unreachable == Verdict(None, "unreachable in Slack (deactivated)")
