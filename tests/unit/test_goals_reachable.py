"""Every goal in the library is reachable by doing its practice task, from every demo manager's starting
numbers, and none is met at the start: the task is done in the demo CRM (exactly as many deals or
activities as it names, in the scope it names) and the CRM's numbers are read again.

A lesson whose goal would already be met at the start is not eligible for that manager: it is neither
chosen by the curriculum nor offered in an answer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from bot.coaching.coach import Coach, focus_hits
from bot.coaching.curriculum import Given, choose
from bot.coaching.goals import is_met, scope_of, standing
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.metrics import metric_value
from bot.coaching.numbers import lesson_goal, offerable
from bot.coaching.retrieval import Hit
from bot.crm.base import ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.store.models import DemoActivity, DemoDeal, DemoOwner
from tests.conftest import NOW

DEMO_MANAGERS = 3
STALE_DAYS = 14


def do_the_task(session: Session, lesson: Lesson, manager_id: str) -> None:
    """What a manager (or their team) does in the CRM when doing the task exactly as written."""
    assert lesson.goal is not None
    name, scope = scope_of(lesson.metric)
    reps = list(session.scalars(select(DemoOwner.id).where(DemoOwner.manager_id == manager_id)))
    owners = [manager_id] if scope == "own" else [manager_id, *reps]
    times = abs(lesson.goal.change)
    open_deals = select(DemoDeal).where(DemoDeal.status == "open", DemoDeal.owner_id.in_(owners))
    touched = func.coalesce(DemoDeal.last_activity_at, DemoDeal.created_at)
    if name == "deals_without_next_step":
        for deal in session.scalars(
            open_deals.where(or_(DemoDeal.next_step.is_(None), DemoDeal.next_step == ""))
        ).all()[:times]:
            deal.next_step = "Demo with the buying committee on Tuesday"
    elif name == "stale_deals":
        for deal in session.scalars(open_deals.where(touched < NOW - timedelta(days=STALE_DAYS))).all()[
            :times
        ]:
            session.add(
                DemoActivity(
                    owner_id=deal.owner_id, deal_id=deal.id, kind="call", occurred_at=NOW - timedelta(hours=1)
                )
            )
            deal.last_activity_at = NOW - timedelta(hours=1)
    elif name == "overdue_close_dates":
        for deal in session.scalars(open_deals.where(DemoDeal.close_date < NOW.date())).all()[:times]:
            deal.close_date = NOW.date() + timedelta(days=30)
    elif name == "open_deals" and lesson.goal.change < 0:
        # Deals that are no real opportunity are closed as lost; in the demo CRM the untouched ones.
        for deal in session.scalars(open_deals.order_by(touched)).all()[:times]:
            deal.status = "lost"
    elif name == "open_deals":
        # The demo seed writes explicit ids, so PostgreSQL's id sequence has not moved: continue after them.
        first_id = (session.scalar(select(func.max(DemoDeal.id))) or 0) + 1
        for number in range(times):
            session.add(
                DemoDeal(
                    id=first_id + number,
                    owner_id=manager_id,
                    name=f"Entered {number}",
                    company="Example AG",
                    amount=Decimal(5000),
                    currency="EUR",
                    stage="qualified",
                    status="open",
                    close_date=NOW.date() + timedelta(days=40),
                    next_step="Call on Monday",
                    created_at=NOW - timedelta(hours=1),
                )
            )
    elif name in ("activities_7d_manager", "activities_7d_team"):
        logger = manager_id if name == "activities_7d_manager" else reps[0]
        for _ in range(times):
            session.add(
                DemoActivity(owner_id=logger, deal_id=None, kind="call", occurred_at=NOW - timedelta(hours=1))
            )
    else:
        raise AssertionError(f"no way to do a task on {lesson.metric}")


def test_every_goal_is_reachable_by_its_task_and_never_met_at_the_start(engine: Engine) -> None:
    library = LessonLibrary.load()
    crm = DemoConnector(engine, stale_days=STALE_DAYS)
    with_goals = [lesson for lesson in library.in_language("en") if lesson.goal is not None]
    assert len(with_goals) >= 0.8 * len(library.in_language("en"))
    offered = ineligible = 0
    for lesson in with_goals:
        seed_demo(engine, as_of=NOW)
        managers = [crm.find_owner_by_email(demo_manager_email(index)) for index in range(DEMO_MANAGERS)]
        starts = {owner.crm_id: crm.manager_stats(owner.crm_id, now=NOW) for owner in managers if owner}
        assert len(starts) == DEMO_MANAGERS
        plans = {manager: lesson_goal(lesson, stats) for manager, stats in starts.items()}
        with Session(engine) as session:
            for manager, plan in plans.items():
                if plan is not None:
                    do_the_task(session, lesson, manager)
            session.commit()
        for manager, plan in plans.items():
            stats = starts[manager]
            start = metric_value(stats, lesson.metric)
            if plan is None:  # met at the start: only possible for 'fewer' goals from zero
                ineligible += 1
                assert lesson.goal is not None and lesson.goal.change < 0 and start == 0, lesson.id
                assert not offerable(lesson, stats)
                assert choose([lesson], stats, history=[], now=NOW, focus_metric=None, seed=0) is None
                hits = [
                    Hit(lesson, 1.0, True),
                    *[Hit(x, 0.5, False) for x in with_goals if x is not lesson][:3],
                ]
                assert lesson not in [
                    hit.lesson for hit in focus_hits(hits, asked=lesson.metric, stats=stats)
                ]
                continue
            offered += 1
            assert plan.start == start
            assert not is_met(start, start=plan.start, target=plan.target), (lesson.id, manager)
            assert _chosen([lesson], stats) is lesson
            after = metric_value(crm.manager_stats(manager, now=NOW), lesson.metric)
            assert standing(after, start=plan.start, target=plan.target) == "reached", (
                lesson.id,
                manager,
                plan,
                after,
            )
    assert offered > 2 * ineligible  # the library fits the demo managers; few lessons drop out


def test_a_lesson_whose_goal_is_met_at_the_start_is_not_offered(engine: Engine, coach: Coach) -> None:
    seed_demo(engine, as_of=NOW)
    crm = DemoConnector(engine, stale_days=STALE_DAYS)
    owner = crm.find_owner_by_email(demo_manager_email(0))
    assert owner is not None
    with Session(engine) as session:  # the manager has already given every own deal a next step
        for deal in session.scalars(select(DemoDeal).where(DemoDeal.owner_id == owner.crm_id)):
            deal.next_step = "Workshop with the customer on Friday"
        session.commit()
    stats = crm.manager_stats(owner.crm_id, now=NOW)
    assert stats.own_deals_without_next_step == 0 and stats.deals_without_next_step > 0
    library = coach.library
    english = library.in_language("en")
    done_already = {x.id for x in english if x.metric == "own_deals_without_next_step" and x.goal}
    assert "role-model-go-first" in done_already

    answer = coach.answer(
        "Which of my own deals still need a next step? I want to go first", language="en", stats=stats
    )
    assert not done_already & {lesson.id for lesson in answer.lessons}
    assert answer.goal is None or answer.goal.start != answer.goal.target  # never a goal met already
    assert (answer.numbers[0].metric, answer.numbers[0].value) == ("own_deals_without_next_step", 0)
    assert "0 of your own 12 open deals have no next step" in answer.text

    walked: list[Given] = []  # the whole curriculum, lesson after lesson, every goal reached
    while (chosen := _chosen(english, stats, history=walked, with_task=False)) is not None:
        walked.append(Given(chosen.id, chosen.topic, NOW, "done", "reached", None, None, None))
    assert not done_already & {given.lesson_id for given in walked}
    assert len(walked) > len(english) // 2


def _chosen(
    lessons: list[Lesson], stats: ManagerStats, *, history: list[Given] | None = None, with_task: bool = True
) -> Lesson | None:
    choice = choose(
        lessons, stats, history=history or [], now=NOW, focus_metric=None, seed=0, with_task=with_task
    )
    return choice.lesson if choice else None
