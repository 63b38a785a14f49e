"""What coaching and delivery need from Slack, as small Protocols, and the one adapter over slack_sdk.

Services depend on the Protocols, the container wires `SlackGateway`. A refused call arrives as
`SlackCallFailed` carrying Slack's error code, so no service needs slack_sdk's exception types.
This is a port: it imports nothing from config, container, slack, coaching or delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

USERS_NOT_FOUND = "users_not_found"


class SlackCallFailed(Exception):
    """Slack answered a Web API call with ok=false (or an HTTP error); `error` is Slack's code."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


@dataclass(frozen=True, slots=True)
class SlackUser:
    """A Slack user as users.info describes them; every name Slack knows, the caller picks."""

    id: str
    email: str | None
    real_name: str | None  # user.real_name
    profile_real_name: str | None  # user.profile.real_name
    name: str | None  # the handle
    tz: str | None
    locale: str | None
    deleted: bool


class SlackWorkspace(Protocol):
    def bot_team_id(self) -> str | None:
        """The workspace the bot token belongs to (auth.test). Raises SlackCallFailed, OSError."""
        ...


class SlackProfiles(Protocol):
    def user(self, user_id: str) -> SlackUser:
        """users.info with the locale. Raises SlackCallFailed."""
        ...

    def user_by_email(self, email: str) -> SlackUser | None:
        """The user with this e-mail (with their locale), None when Slack knows nobody by it."""
        ...


class SlackGroups(Protocol):
    def group_members(self, group_id: str) -> frozenset[str]:
        """User ids in a user group. Raises SlackCallFailed."""
        ...


class SlackDirectMessages(Protocol):
    def open_dm(self, user_id: str) -> str:
        """The id of the app's DM channel with this user. Raises SlackCallFailed."""
        ...


class SlackPermalinks(Protocol):
    def permalink(self, *, channel: str, message_ts: str) -> str | None:
        """A link to a message, None when Slack cannot give one (deleted, no access)."""
        ...


class SlackFiles(Protocol):
    def upload_file(self, *, filename: str, content: bytes, title: str, alt_text: str) -> str | None:
        """Upload as the app's own file (shared nowhere); its id, None if Slack returned none.
        Raises SlackCallFailed."""
        ...


class SlackGateway:
    """All the Protocols above over one WebClient (its retry handlers stay in charge of 429s)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def bot_team_id(self) -> str | None:
        try:
            response = self.client.auth_test()
        except SlackApiError as exc:
            raise _failed("auth.test", exc) from exc
        return str(response.get("team_id") or "") or None

    def user(self, user_id: str) -> SlackUser:
        try:
            response = self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as exc:
            raise _failed("users.info", exc) from exc
        return slack_user(response.get("user") or {})

    def user_by_email(self, email: str) -> SlackUser | None:
        try:
            user_id = self.client.users_lookupByEmail(email=email)["user"]["id"]
            return slack_user(self.client.users_info(user=user_id, include_locale=True)["user"])
        except SlackApiError as exc:
            if exc.response.get("error") == USERS_NOT_FOUND:
                return None
            raise _failed("users.lookupByEmail", exc) from exc

    def group_members(self, group_id: str) -> frozenset[str]:
        try:
            return frozenset(self.client.usergroups_users_list(usergroup=group_id)["users"])
        except SlackApiError as exc:
            raise _failed("usergroups.users.list", exc) from exc

    def open_dm(self, user_id: str) -> str:
        try:
            return str(self.client.conversations_open(users=user_id)["channel"]["id"])
        except SlackApiError as exc:
            raise _failed("conversations.open", exc) from exc

    def permalink(self, *, channel: str, message_ts: str) -> str | None:
        try:
            return str(self.client.chat_getPermalink(channel=channel, message_ts=message_ts)["permalink"])
        except SlackApiError:
            return None  # the link is a convenience: the notice names the channel anyway

    def upload_file(self, *, filename: str, content: bytes, title: str, alt_text: str) -> str | None:
        try:
            response = self.client.files_upload_v2(
                filename=filename, content=content, title=title, alt_txt=alt_text
            )
        except SlackApiError as exc:
            raise _failed("files.upload", exc) from exc
        uploaded = response.get("file") or (response.get("files") or [{}])[0]
        return str(uploaded.get("id") or "") or None


def slack_user(user: dict[str, Any]) -> SlackUser:
    """A users.info `user` object (or a `user_change` event's) as a SlackUser."""
    profile: dict[str, Any] = user.get("profile") or {}
    return SlackUser(
        id=str(user.get("id") or ""),
        email=(profile.get("email") or "").strip() or None,
        real_name=user.get("real_name") or None,
        profile_real_name=profile.get("real_name") or None,
        name=user.get("name") or None,
        tz=user.get("tz") or None,
        locale=user.get("locale") or None,
        deleted=bool(user.get("deleted")),
    )


def _failed(method: str, exc: SlackApiError) -> SlackCallFailed:
    return SlackCallFailed(method, str(exc.response.get("error", "unknown_error")))
