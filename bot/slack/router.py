"""The `/crmcoach` router: one table entry per subcommand, one dispatcher for all of them.

A Route says what the ack carries (answered from the database, within Slack's 3 seconds), what runs
after it in the background (CRM, LLM, uploads; its message goes to the response_url), and who may use
it. The words that name a route come from the message catalogues (`commands.<name>`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from slack_bolt import Ack

from bot.container import Container
from bot.i18n import Language, command_words
from bot.slack.background import Background, Message, Outcome
from bot.slack.caller import Caller
from bot.slack.replies import known_language
from bot.slack.responder import reply_ephemeral


@dataclass(frozen=True, slots=True)
class Command:
    """One `/crmcoach <word> <rest>` from one user."""

    container: Container
    caller: Caller
    word: str  # as typed, lower-cased: "frage"
    rest: str
    language: Language
    body: dict[str, Any]

    @property
    def team_id(self) -> str:
        return self.caller.team_id

    @property
    def user_id(self) -> str:
        return self.caller.user_id


Handler = Callable[[Command], Message | None]


@dataclass(frozen=True, slots=True)
class Route:
    name: str  # the catalogue key commands.<name> lists its words
    ack: Handler  # the reply sent with the ack (None: an empty ack)
    lazy: Handler | None = None  # after the ack, in the background; its message goes to the response_url
    slow_key: str | None = None  # a "still working" note if the lazy part takes a while
    coach_only: bool = False
    # A first-time user gets an empty ack; the reply comes once their Slack profile says their language.
    waits_for_language: bool = False
    # Quick Slack calls due right after the ack, in the listener (views.open: a trigger_id lasts 3 s).
    after_ack: Callable[[Command], None] | None = None
    # It changes something (posts, schedules, settings): a replayed request is not carried out again.
    once: bool = False
    # The lazy part answers in command.language (coach work), so a stranger's profile is read first.
    lazy_renders_in_caller_language: bool = False


class LazyWork(Protocol):
    """Runs what comes after an ack: on threads of this process, or in worker processes (lazy.py)."""

    def command(self, route_name: str, command: Command, *, first_contact: bool) -> None: ...

    def direct_message(self, event: dict[str, Any], *, event_id: str, caller: Caller) -> None: ...


def parse(text: str) -> tuple[str, str]:
    """'/crmcoach Stats  now' -> ('stats', 'now')."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


class Router:
    def __init__(
        self,
        routes: Iterable[Route],
        *,
        default: str,
        unknown: Route,
        refusal: Callable[[Command, Route], Message],
    ) -> None:
        self._routes = {route.name: route for route in routes}
        self._by_word = {word: route for route in self._routes.values() for word in command_words(route.name)}
        self._by_word[""] = self._routes[default]
        self._routes[unknown.name] = self._unknown = unknown
        self._refusal = refusal

    def route_for(self, word: str) -> Route:
        return self._by_word.get(word, self._unknown)

    def route_named(self, name: str) -> Route:
        return self._routes[name]

    def dispatch(self, ack: Ack, command: Command, later: LazyWork) -> None:
        route = self.route_for(command.word)
        if route.coach_only and not command.caller.is_coach:
            ack(**self._refusal(command, route))
        elif route.waits_for_language and command.caller.known_language is None:
            ack()
            if route.after_ack is not None:  # e.g. a modal: its trigger_id expires before lazy work runs
                route.after_ack(replace(command, language=first_language(command)))
            later.command(route.name, command, first_contact=True)
        else:
            _acknowledge(ack, route.ack(command))
            if route.after_ack is not None:
                route.after_ack(command)
            if route.lazy is not None:
                later.command(route.name, command, first_contact=False)


def run_later(route: Route, command: Command, background: Background, *, first_contact: bool) -> None:
    """The lazy part of a route (or a first contact's reply) on `background`; the reply goes to Slack."""
    lazy = route.lazy
    if first_contact:
        background.run(lambda: _first_contact(route, command), _outcome(route, command))
    elif lazy is not None:
        background.run(lambda: lazy(command), _outcome(route, command))


def _acknowledge(ack: Ack, message: Message | None) -> None:
    if message is None:
        ack()
    else:
        ack(**message)


def _first_contact(route: Route, command: Command) -> Message | None:
    """The lazy part if there is one for this command, else the ack's reply, in the profile language."""
    if route.lazy is not None and not route.lazy_renders_in_caller_language:
        message = route.lazy(command)  # it reads the profile itself (stats, ask): no second users.info
        if message is not None:
            return message
    command = replace(command, language=first_language(command))
    message = route.lazy(command) if route.lazy is not None else None
    return message if message is not None else route.ack(command)


def first_language(command: Command) -> Language:
    """A stranger's language from their Slack profile, read once and remembered like a manager's."""
    container = command.container
    return container.identities.language(
        team_id=command.team_id, slack_user_id=command.user_id, now=container.clock()
    )


def _outcome(route: Route, command: Command) -> Outcome:
    container, response_url = command.container, command.body["response_url"]
    return Outcome(
        what=f"/crmcoach {route.name}",
        team_id=command.team_id,
        user_id=command.user_id,
        crm=container.crm.display_name,
        send=lambda message: reply_ephemeral(response_url, message),
        language=lambda: known_language(container, command.team_id, command.user_id) or command.language,
        slow_key=route.slow_key,
    )
