"""Composing a claimed outbox row: for coaching, the manager's state, numbers, lesson and practice task;
for a broadcast, the recorded exercise; for a notice or an answer, what was recorded. The Block Kit
comes from bot/render/outbound.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.coaching.broadcasts import exercise_for_schedule, exercise_of, schedule_languages
from bot.coaching.calendar import iso_week
from bot.coaching.curriculum import FOCUS_RULES, Focus
from bot.coaching.lessons import Lesson
from bot.coaching.manager_calendar import manager_zone, slots_for
from bot.coaching.numbers import lesson_goal
from bot.coaching.tasks import check_due_tasks, default_deadline, stored_goal
from bot.crm.base import CRMError, ManagerStats
from bot.crm.codec import stats_from_json, stats_to_json
from bot.delivery.curriculum_plan import WeekPlan, open_tasks, plan_micro, plan_nudge
from bot.delivery.escalation import tell_coaches
from bot.delivery.outbox import Claimed
from bot.delivery.rules import MANAGER_KINDS
from bot.delivery.services import Delivery
from bot.delivery.trend_charts import nudge_chart
from bot.i18n import WEEKDAY_NAMES, Language, language_for, weekdays_text
from bot.render import outbound as render
from bot.render.outbound import with_chart
from bot.render.replies import stored_answer
from bot.store.coach_models import Broadcast, ScheduledBroadcast
from bot.store.db import upsert_insert
from bot.store.delivery_models import OutboxMessage, PracticeTask, StatsSnapshot, Subscription
from bot.store.models import Manager


class RetryLater(Exception):
    """Not now (the CRM is down): the message goes out on a later attempt, with today's numbers."""


class SkipMessage(Exception):
    """This message must not go out (paused, unsubscribed, no longer linked); the reason is recorded."""


class MessageComposer:
    def __init__(self, *, delivery: Delivery, now: datetime, charts: bool = True) -> None:
        self.delivery = delivery
        self.now = now
        self.charts = charts  # False for previews: drawing a chart uploads it to Slack
        self.broadcast_id: int | None = None  # set when composing a broadcast
        # What the curriculum chose (lesson id, focus metric): the sender adds it to the message metadata.
        self.curriculum: dict[str, str] = {}

    def dm_channel(self, claimed: Claimed, client: WebClient) -> str:
        """The manager's DM with the bot (conversations.open, remembered on the subscription)."""
        with self.delivery.sessions() as session:
            manager, subscription = self._load(session, claimed)
            if subscription.dm_channel_id:
                return subscription.dm_channel_id
            user_id = manager.slack_user_id
        # No transaction stays open while Slack answers.
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        with self.delivery.sessions() as session:
            _, subscription = self._load(session, claimed)
            subscription.dm_channel_id = channel
            session.commit()
        return channel

    def compose(self, claimed: Claimed) -> dict[str, Any]:
        if claimed.kind not in MANAGER_KINDS:
            return self._asked_for(claimed)
        with self.delivery.sessions() as session:
            # Subscribed, not paused, reachable: the sender checked bot/delivery/rules.py just before.
            manager, subscription = self._load(session, claimed)
            language = language_for(manager.preferred_language, manager.slack_locale)
            if claimed.kind == "welcome":
                return self._welcome(manager, subscription, language)
            team_id, owner_id = manager.team_id, manager.crm_owner_id
        stats = self._stats(team_id, owner_id)  # the CRM may be slow: outside any transaction
        with self.delivery.sessions() as session:
            manager, _ = self._load(session, claimed)
            if claimed.kind == "nudge":
                return self._nudge(session, claimed, manager, stats, language)
            return self._lesson(session, claimed, manager, stats, language)

    # --- kinds -----------------------------------------------------------------------------------
    def _asked_for(self, claimed: Claimed) -> dict[str, Any]:
        """What someone asked to be said: a broadcast, a notice, an answer."""
        if claimed.kind == "notice":
            return render.notice_message(str(claimed.payload["text"]))
        if claimed.kind == "answer":  # kept as data when the question was answered (bot/slack/messages.py)
            return stored_answer(claimed.payload["message"])
        if "schedule_id" in claimed.payload:
            return self._broadcast(claimed)
        return self._broadcast_now(claimed)

    def _broadcast(self, claimed: Claimed) -> dict[str, Any]:
        """A coach's scheduled exercise: the same Broadcast row on every attempt, so buttons stay valid."""
        with self.delivery.sessions() as session:
            schedule = session.get(ScheduledBroadcast, int(claimed.payload.get("schedule_id", 0)))
            if schedule is None or not schedule.active:
                raise SkipMessage("the coach cancelled this broadcast")
            languages = schedule_languages(schedule.language)
            language = languages[0]
            exercise = exercise_for_schedule(schedule, self.delivery.library, languages)
            broadcast_id = claimed.payload.get("broadcast_id")
            if broadcast_id is None:
                row = Broadcast(
                    team_id=schedule.team_id,
                    coach_user_id=schedule.coach_user_id,
                    channel_id=schedule.channel_id,
                    lesson_id=exercise.lesson_id,
                    language=language,
                    title=exercise.title,
                    task=exercise.task,
                    reflection=exercise.reflection,
                    created_at=self.now,
                )
                session.add(row)
                session.flush()
                broadcast_id = row.id
                payload = {**claimed.payload, "broadcast_id": broadcast_id}
                session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == claimed.id).values(payload=payload)
                )
            session.commit()
            self.broadcast_id = int(broadcast_id)
            return render.broadcast_message(
                exercise, language=language, coach_id=schedule.coach_user_id, broadcast_id=self.broadcast_id
            )

    def _broadcast_now(self, claimed: Claimed) -> dict[str, Any]:
        """A coach's exercise for right now, as the coach's command recorded it."""
        with self.delivery.sessions() as session:
            broadcast = session.get(Broadcast, int(claimed.payload.get("broadcast_id", 0)))
            if broadcast is None:
                raise SkipMessage("the broadcast is gone")
            self.broadcast_id = broadcast.id
            return render.broadcast_message(
                exercise_of(broadcast),
                language=language_for(broadcast.language, None),
                coach_id=broadcast.coach_user_id,
                broadcast_id=broadcast.id,
            )

    def _welcome(self, manager: Manager, subscription: Subscription, language: Language) -> dict[str, Any]:
        nudge, *lessons = slots_for(subscription, self.delivery.settings)
        return render.welcome_message(
            language=language,
            name=(manager.display_name or manager.email or "").split(" ")[0].split("@")[0],
            crm=self.delivery.crm.display_name,
            nudge_day=WEEKDAY_NAMES[language][nudge.weekday],
            nudge_time=nudge.at.strftime("%H:%M"),
            lesson_days=weekdays_text([slot.weekday for slot in lessons], language),
            tz=str(manager_zone(manager.tz, self.delivery.settings)),
            coach_told=self.delivery.settings.coaching.tell_coach_on_stall,
        )

    def _nudge(
        self,
        session: Session,
        claimed: Claimed,
        manager: Manager,
        stats: ManagerStats | None,
        language: Language,
    ) -> dict[str, Any]:
        if stats is None:
            raise SkipMessage("no CRM numbers for this manager")
        week = iso_week(self.now.astimezone(manager_zone(manager.tz, self.delivery.settings)).date())
        previous = self._previous_snapshot(session, manager, week)
        library = self.delivery.library
        checks = check_due_tasks(session, manager_id=manager.id, stats=stats, now=self.now)
        titles = {
            c.lesson_id: (lesson.title if (lesson := library.get(c.lesson_id, language)) else c.lesson_id)
            for c in checks
        }
        stored = self._plan(session, claimed, language)
        plan = stored or plan_nudge(
            session,
            library=library,
            manager_id=manager.id,
            stats=stats,
            language=language,
            week=week,
            now=self.now,
        )
        self._save_snapshot(session, manager, week, stats)
        self._remember(session, claimed, plan)
        task = self._task(session, claimed, manager, plan.lesson, stats) if plan.lesson else None
        still_open = [] if task else self._open_titles(session, manager, language)
        session.commit()
        if plan.escalated and stored is None and plan.focus is not None:  # once, not again on a retry
            tell_coaches(
                sessions=self.delivery.sessions,
                coaching=self.delivery.settings.coaching,
                team_id=manager.team_id,
                nudge_key=claimed.idempotency_key,
                manager_user_id=manager.slack_user_id,
                metric=plan.focus.metric,
                trend=plan.trend,
                topic=plan.topic,
                language=language,
                now=self.now,
            )
        message = render.nudge_message(
            language=language,
            stats=stats,
            previous=previous,
            focus=plan.focus,
            lesson=plan.lesson,
            task=task,
            checks=[(titles[c.lesson_id], c) for c in checks],
            escalated=plan.escalated,
            still_open=still_open,
        )
        if not self.charts:
            return message
        chart = nudge_chart(
            sessions=self.delivery.sessions,
            files=self.delivery.files,
            team_id=manager.team_id,
            slack_user_id=manager.slack_user_id,
            language=language,
            stats=stats,
            previous=previous,
            focus=plan.focus,
            now=self.now,
        )
        return with_chart(message, chart)

    def _lesson(
        self,
        session: Session,
        claimed: Claimed,
        manager: Manager,
        stats: ManagerStats | None,
        language: Language,
    ) -> dict[str, Any]:
        plan = self._plan(session, claimed, language) or plan_micro(
            session,
            library=self.delivery.library,
            manager_id=manager.id,
            stats=stats,
            language=language,
            now=self.now,
        )
        if plan.lesson is None:
            raise SkipMessage("nothing new on this week's focus")
        self._remember(session, claimed, plan)
        task = self._task(session, claimed, manager, plan.lesson, stats) if plan.with_task else None
        session.commit()
        return render.lesson_message(language=language, lesson=plan.lesson, stats=stats, task=task)

    # --- helpers ---------------------------------------------------------------------------------
    def _plan(self, session: Session, claimed: Claimed, language: Language) -> WeekPlan | None:
        """A retry repeats what the first attempt planned (same lesson, same focus)."""
        stored = claimed.payload
        if "focus" not in stored and "lesson_id" not in stored:
            return None
        if "focus" not in stored:  # planned before the curriculum recorded its week: a task was always given
            stored = {**stored, "with_task": True}
        lesson_id = stored.get("lesson_id")
        lesson = self.delivery.library.get(str(lesson_id), language) if lesson_id else None
        focus_metric = stored.get("focus")
        focus = None
        if focus_metric:
            rule = next((r for r in FOCUS_RULES if r[0] == focus_metric), None)
            if rule is not None:
                value = float(stored.get("focus_value", rule[2]))
                focus = Focus(rule[0], rule[1], rule[2], value)
        return WeekPlan(
            focus,
            lesson,
            bool(stored.get("with_task")),
            stored.get("topic"),
            bool(stored.get("escalated")),
            tuple(stored.get("trend") or ()),
        )

    def _remember(self, session: Session, claimed: Claimed, plan: WeekPlan) -> None:
        """In this transaction: a retry after a crash sends the same lesson; the sender's metadata says it."""
        payload = {**claimed.payload, **plan.payload()}
        if plan.focus is not None:
            payload["focus_value"] = plan.focus.value
        session.execute(update(OutboxMessage).where(OutboxMessage.id == claimed.id).values(payload=payload))
        self.curriculum = {
            "lesson_id": plan.lesson.id if plan.lesson else "",
            "focus": plan.focus.metric if plan.focus else "",
            "topic": plan.lesson.topic if plan.lesson else "",
        }

    def _open_titles(self, session: Session, manager: Manager, language: Language) -> list[str]:
        library = self.delivery.library
        return [
            lesson.title if (lesson := library.get(task.lesson_id, language)) else task.lesson_id
            for task in open_tasks(session, manager.id)
        ]

    def _task(
        self, session: Session, claimed: Claimed, manager: Manager, lesson: Lesson, stats: ManagerStats | None
    ) -> render.TaskInfo:
        """The message's practice task, created once (a retry finds it by the outbox row)."""
        existing = session.scalars(select(PracticeTask).where(PracticeTask.outbox_id == claimed.id)).first()
        if existing is None:
            goal = lesson_goal(lesson, stats)
            existing = PracticeTask(
                team_id=manager.team_id,
                manager_id=manager.id,
                outbox_id=claimed.id,
                lesson_id=lesson.id,
                assigned_at=self.now,
                deadline=default_deadline(lesson, self.now),
                metric=goal.metric if goal else None,
                comparison=("<=" if goal.decreasing else ">=") if goal else None,
                target=goal.target if goal else None,
                baseline=goal.start if goal else None,
            )
            session.add(existing)
            session.flush()
        return render.TaskInfo(existing.id, existing.deadline, stored_goal(existing, lesson))

    def _stats(self, team_id: str, crm_owner_id: str | None) -> ManagerStats | None:
        if crm_owner_id is None:
            return None
        try:
            return self.delivery.stats.current(team_id=team_id, crm_owner_id=crm_owner_id, now=self.now)
        except CRMError as error:
            raise RetryLater(f"CRM: {error.user_message}") from error

    def _previous_snapshot(self, session: Session, manager: Manager, week: str) -> ManagerStats | None:
        row = session.scalars(
            select(StatsSnapshot)
            .where(StatsSnapshot.manager_id == manager.id, StatsSnapshot.week < week)
            .order_by(StatsSnapshot.week.desc())
        ).first()
        return stats_from_json(row.payload) if row else None

    def _save_snapshot(self, session: Session, manager: Manager, week: str, stats: ManagerStats) -> None:
        values = {
            "team_id": manager.team_id,
            "manager_id": manager.id,
            "week": week,
            "payload": stats_to_json(stats),
            "taken_at": self.now,
        }
        statement = upsert_insert(session, StatsSnapshot).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["manager_id", "week"],
                set_={"payload": values["payload"], "taken_at": self.now},
            )
        )

    def _load(self, session: Session, claimed: Claimed) -> tuple[Manager, Subscription]:
        manager = session.get(Manager, claimed.manager_id)
        subscription = session.get(Subscription, claimed.manager_id)
        if manager is None or subscription is None:
            raise SkipMessage("the manager is no longer enrolled")
        return manager, subscription
