"""Trend charts: PNG pictures of the expected size, alt text with every number, redrawn only on change."""

from __future__ import annotations

import io

from matplotlib import image as mpimg

from bot.charts import Line, TrendChart, alt_text, trend_png

WEEKS = ("2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48")


def _chart(last: float = 9, *, percent: bool = False) -> TrendChart:
    return TrendChart(
        title="Stale deals, last 8 weeks",
        weeks=WEEKS,
        lines=(Line("stale", (None, 14, 13, 13, 12, 11, 10, last)), Line("no step", (5,) * 8)),
        percent=percent,
    )


def test_the_png_is_a_picture_of_the_expected_size() -> None:
    png = trend_png(_chart())

    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    assert mpimg.imread(io.BytesIO(png), format="png").shape[:2] == (400, 800)
    assert mpimg.imread(io.BytesIO(trend_png(_chart(), width_px=600, height_px=300)), format="png").shape[
        :2
    ] == (300, 600)


def test_alt_text_carries_every_number_week_by_week() -> None:
    text = alt_text(_chart())

    assert text.startswith("Stale deals, last 8 weeks.")
    assert "stale: W41: –, W42: 14, W43: 13, W44: 13, W45: 12, W46: 11, W47: 10, W48: 9." in text
    assert "no step: W41: 5" in text
    shares = TrendChart(title="Share", weeks=WEEKS[:2], lines=(Line("share", (0.25, 0.333)),), percent=True)
    assert alt_text(shares) == "Share. share: W41: 25%, W42: 33%."


def test_the_digest_changes_exactly_when_the_numbers_do() -> None:
    assert _chart().digest() == _chart().digest()
    assert _chart(9).digest() != _chart(8).digest()
    assert _chart().digest() != _chart(percent=True).digest()


def test_a_german_chart_speaks_german_weeks_and_numbers() -> None:
    german = TrendChart(
        title="Anteil",
        weeks=WEEKS[:3],
        lines=(Line("Anteil", (0.25, None, 0.5)), Line("Deals", (1234, 2.5, None))),
        language="de",
    )
    shares = TrendChart(
        title="Anteil", weeks=WEEKS[:2], lines=(Line("x", (0.25, 0.5)),), percent=True, language="de"
    )

    assert "Deals: KW 41: 1.234, KW 42: 2,5, KW 43: –." in alt_text(german)
    assert alt_text(shares) == "Anteil. x: KW 41: 25\xa0%, KW 42: 50\xa0%."
    english = TrendChart(title="Anteil", weeks=WEEKS[:2], lines=(Line("x", (0.25, 0.5)),), percent=True)
    assert english.digest() != shares.digest()
