"""A chart the bot uploaded to Slack, shown by an image block that references the file (no public URL)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import ImageBlock

from bot.formatting import truncate

IMAGE_TITLE_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class ChartImage:
    name: str  # focus, hygiene, team_hygiene: the block id says which chart it is
    file_id: str
    title: str
    alt_text: str


def image_block(chart: ChartImage) -> ImageBlock:
    return ImageBlock(
        slack_file={"id": chart.file_id},
        alt_text=chart.alt_text,
        title=truncate(chart.title, IMAGE_TITLE_LIMIT),
        block_id=f"chart_{chart.name}",
    )
