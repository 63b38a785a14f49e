"""Charts into Slack: drawn as PNG, uploaded with files upload v2 (no channel: the app's own file), and
shown by an image block that references the file — no public URL. Uploaded again only when the numbers
behind the picture changed."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ImageBlock

from bot.charts import TrendChart, alt_text, trend_png
from bot.container import Container
from bot.formatting import truncate
from bot.store.chart_uploads import remember_upload, uploaded_file

log = logging.getLogger(__name__)
IMAGE_TITLE_LIMIT = 2000


def chart_block(
    container: Container, *, team_id: str, slack_user_id: str, name: str, chart: TrendChart
) -> ImageBlock | None:
    """The chart as an image block, or None when Slack refused the upload (the Home shows the numbers)."""
    file_id = chart_file(container, team_id=team_id, slack_user_id=slack_user_id, name=name, chart=chart)
    if file_id is None:
        return None
    return ImageBlock(
        slack_file={"id": file_id},
        alt_text=alt_text(chart),
        title=truncate(chart.title, IMAGE_TITLE_LIMIT),
        block_id=f"chart_{name}",
    )


def chart_file(
    container: Container, *, team_id: str, slack_user_id: str, name: str, chart: TrendChart
) -> str | None:
    digest = chart.digest()
    known = uploaded_file(
        container.sessions, team_id=team_id, slack_user_id=slack_user_id, name=name, digest=digest
    )
    if known is not None:
        return known
    try:
        response = container.slack.files_upload_v2(
            filename=f"crmcoach-{name}.png",
            content=trend_png(chart),
            title=chart.title,
            alt_txt=alt_text(chart),
        )
    except SlackApiError as exc:
        log.error("chart upload for %s/%s failed: %s", team_id, slack_user_id, exc.response.get("error"))
        return None
    uploaded = response.get("file") or (response.get("files") or [{}])[0]
    file_id = str(uploaded.get("id") or "")
    if not file_id:
        return None
    remember_upload(
        container.sessions,
        team_id=team_id,
        slack_user_id=slack_user_id,
        name=name,
        digest=digest,
        file_id=file_id,
        now=container.clock(),
    )
    return file_id
