"""Charts into Slack: drawn as PNG, uploaded with files upload v2 (no channel: the app's own file), and
shown by an image block that references the file — no public URL (bot/render/charts.py). Uploaded again
only when the numbers behind the picture changed."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.charts import TrendChart, alt_text, trend_png
from bot.render.charts import ChartImage
from bot.slack_gateway import SlackCallFailed, SlackFiles
from bot.store.chart_uploads import remember_upload, uploaded_file

log = logging.getLogger(__name__)


def chart_image(
    *,
    sessions: sessionmaker[Session],
    files: SlackFiles,
    team_id: str,
    slack_user_id: str,
    name: str,
    chart: TrendChart,
    now: datetime,
) -> ChartImage | None:
    """The uploaded chart, or None when Slack refused the upload (the Home shows the numbers)."""
    file_id = chart_file(
        sessions=sessions,
        files=files,
        team_id=team_id,
        slack_user_id=slack_user_id,
        name=name,
        chart=chart,
        now=now,
    )
    if file_id is None:
        return None
    return ChartImage(name=name, file_id=file_id, title=chart.title, alt_text=alt_text(chart))


def chart_file(
    *,
    sessions: sessionmaker[Session],
    files: SlackFiles,
    team_id: str,
    slack_user_id: str,
    name: str,
    chart: TrendChart,
    now: datetime,
) -> str | None:
    digest = chart.digest()
    known = uploaded_file(sessions, team_id=team_id, slack_user_id=slack_user_id, name=name, digest=digest)
    if known is not None:
        return known
    try:
        file_id = files.upload_file(
            filename=f"crmcoach-{name}.png",
            content=trend_png(chart),
            title=chart.title,
            alt_text=alt_text(chart),
        )
    except SlackCallFailed as exc:
        log.error("chart upload for %s/%s failed: %s", team_id, slack_user_id, exc.error)
        return None
    if file_id is None:
        return None
    remember_upload(
        sessions,
        team_id=team_id,
        slack_user_id=slack_user_id,
        name=name,
        digest=digest,
        file_id=file_id,
        now=now,
    )
    return file_id
