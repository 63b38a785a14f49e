"""A manager pressed "I need help" on a broadcast exercise: its coach hears of it once, by DM."""

from __future__ import annotations

from bot.coaching.broadcasts import AnsweredExercise
from bot.coaching.identity import stored_language
from bot.delivery.outbound import notify
from bot.delivery.sender import Outcome
from bot.delivery.services import Delivery
from bot.i18n import language_for, t
from bot.slack_gateway import SlackPermalinks


def tell_coach_about_help(
    *, delivery: Delivery, permalinks: SlackPermalinks, exercise: AnsweredExercise, user_id: str
) -> Outcome:
    coach_id, channel = exercise.coach_user_id, exercise.channel_id
    # The coach's own language; for a coach who never used the bot, the exercise's.
    language = stored_language(
        delivery.sessions, team_id=exercise.team_id, slack_user_id=coach_id
    ) or language_for(exercise.language, None)
    link = permalinks.permalink(channel=channel, message_ts=exercise.message_ts or "") or f"<#{channel}>"
    text = t(
        language, "broadcast.help_for_coach", user=user_id, title=exercise.title, channel=channel, link=link
    )
    # Once per person and broadcast: the button is recorded once, and so is the notice.
    key = f"help:{exercise.id}:{user_id}"
    return notify(delivery=delivery, team_id=exercise.team_id, user_id=coach_id, text=text, key=key)
