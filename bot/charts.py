"""Trend charts as PNG pictures: pure functions, drawn with matplotlib's Agg canvas (no display, no pyplot
state shared between threads)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.formatting import format_int, format_percent
from bot.i18n import Language, babel_locale, t

WIDTH_PX = 800
HEIGHT_PX = 400
DPI = 100
COLOURS = ("#1264a3", "#e01e5a", "#2eb67d", "#ecb22e")


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    values: tuple[float | None, ...]  # one per week; None where no number was taken that week


@dataclass(frozen=True, slots=True)
class TrendChart:
    title: str
    weeks: tuple[str, ...]  # "2026-W48"
    lines: tuple[Line, ...]
    percent: bool = False  # values are shares (0.25 -> "25%")
    language: Language = "en"  # week labels ("W48" / "KW 48") and number formats

    def digest(self) -> str:
        """Changes exactly when the picture would: the chart is re-drawn and re-uploaded only then."""
        lines = [(line.label, line.values) for line in self.lines]
        data = [self.title, self.weeks, lines, self.percent, self.language]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def format_value(value: float | None, *, percent: bool, language: Language = "en") -> str:
    if value is None:
        return "–"
    if percent:
        return format_percent(value, language)
    if float(value).is_integer():
        return format_int(int(value), language)
    return format_decimal(value, format="#,##0.0", locale=babel_locale(language))


def alt_text(chart: TrendChart) -> str:
    """What a screen reader says: the title and every number, week by week."""
    parts = [chart.title + "."]
    for line in chart.lines:
        points = ", ".join(
            f"{_short_week(week, chart.language)}: "
            f"{format_value(value, percent=chart.percent, language=chart.language)}"
            for week, value in zip(chart.weeks, line.values, strict=True)
        )
        parts.append(f"{line.label}: {points}.")
    return " ".join(parts)[:2000]  # Slack's limit for alt_text


def trend_png(chart: TrendChart, *, width_px: int = WIDTH_PX, height_px: int = HEIGHT_PX) -> bytes:
    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [_short_week(week, chart.language) for week in chart.weeks]
    positions = list(range(len(labels)))
    for index, line in enumerate(chart.lines):
        points = [(x, y) for x, y in zip(positions, line.values, strict=True) if y is not None]
        scale = 100.0 if chart.percent else 1.0
        axes.plot(
            [x for x, _ in points],
            [y * scale for _, y in points],
            marker="o",
            color=COLOURS[index % len(COLOURS)],
            label=line.label,
        )
    axes.set_title(chart.title)
    axes.set_xticks(positions, labels)
    axes.set_ylim(bottom=0)
    if chart.percent:
        axes.yaxis.set_major_formatter("{x:.0f}%")
    axes.grid(axis="y", alpha=0.3)
    if len(chart.lines) > 1:
        axes.legend(loc="upper left")
    figure.tight_layout()
    buffer = io.BytesIO()
    canvas.print_png(buffer)  # type: ignore[no-untyped-call]
    return buffer.getvalue()


def has_numbers(lines: Sequence[Line]) -> bool:
    return any(value is not None for line in lines for value in line.values)


def _short_week(week: str, language: Language) -> str:
    """'2026-W48' -> 'W48' / 'KW 48' (the axis has room for eight of them)."""
    return t(language, "dashboard.week_short", week=int(week.rsplit("-W", 1)[-1]))
