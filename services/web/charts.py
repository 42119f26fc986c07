"""The geometry of the operator's charts, drawn as SVG by the templates: axis ticks, grouped
bars (side by side, so no series hides another), horizontal bars and caseloads against each
worker's own limit. Pure: numbers in, coordinates out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

SERIES_CLASSES = ("s0", "s1", "s2", "s3")
"""A CSS class per series (colour and pattern in web.css), in legend order."""


@dataclass(frozen=True)
class Tick:
    """A tick of an axis: where it is drawn and what it says."""

    at: float
    label: str


@dataclass(frozen=True)
class Bar:
    """One bar: its box, its series (index) and the value it shows."""

    x: float
    y: float
    width: float
    height: float
    series: int
    value: int


@dataclass(frozen=True)
class Chart:
    """A whole chart: the drawing's size, the plot's box, bars, ticks of both axes."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    bars: list[Bar] = field(default_factory=list)
    value_ticks: list[Tick] = field(default_factory=list)
    group_ticks: list[Tick] = field(default_factory=list)


def nice_ticks(peak: float, most: int = 5) -> list[int]:
    """Tick values from 0 to a round top at or above `peak`: steps of 1, 2 or 5 × 10^n,
    at most `most` steps (0 and 1 when everything is zero)."""
    if peak <= 0:
        return [0, 1]
    raw = peak / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    top = math.ceil(peak / step) * step
    return list(range(0, int(top) + 1, int(step)))


def grouped_bars(
    groups: list[str], values: list[list[int]], width: float = 420, height: float = 240,
    left: float = 44, bottom: float = 40, top: float = 26, right: float = 8,
    label_width: float = 58,
) -> Chart:  # fmt: skip
    """Vertical bars: one group per label (e.g. a month), its series' bars side by side
    (`values[g][s]`); value ticks on the left, every group's label below unless they would
    overlap (then every n-th, the last one always)."""
    series = max((len(v) for v in values), default=1) or 1
    ticks = nice_ticks(max((n for v in values for n in v), default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(groups), 1)
    bar_w = slot * 0.8 / series

    def y(n: float) -> float:
        return round(top + plot_h - n * plot_h / ticks[-1], 1)

    bars = [
        Bar(round(left + g * slot + slot * 0.1 + s * bar_w, 1), y(n), round(bar_w, 1),
            round(top + plot_h - y(n), 1), s, n)
        for g, row in enumerate(values) for s, n in enumerate(row)
    ]  # fmt: skip
    every = max(1, math.ceil(label_width / slot))
    shown = [g for g in range(len(groups)) if g % every == 0]
    if groups and len(groups) - 1 not in shown:
        if shown and len(groups) - 1 - shown[-1] < every:
            shown.pop()
        shown.append(len(groups) - 1)
    return Chart(
        width, height, left, top, width - right, top + plot_h, bars,
        [Tick(y(t), str(t)) for t in ticks],
        [Tick(round(left + g * slot + slot / 2, 1), groups[g]) for g in shown],
    )  # fmt: skip


def horizontal_bars(
    labels: list[str], values: list[list[int]], width: float = 420, left: float = 130,
    right: float = 44, row: float = 22, top: float = 8, bottom: float = 28,
) -> Chart:  # fmt: skip
    """Horizontal bars: one row per label, its series' bars stacked one under another
    (`values[r][s]`); value ticks along the bottom; `group_ticks` hold each row's middle."""
    series = max((len(v) for v in values), default=1) or 1
    ticks = nice_ticks(max((n for v in values for n in v), default=0))
    band = row * series + 8
    height = top + band * len(labels) + bottom
    plot_w = width - left - right

    def x(n: float) -> float:
        return round(left + n * plot_w / ticks[-1], 1)

    bars = [
        Bar(left, round(top + r * band + 4 + s * row, 1), round(x(n) - left, 1), row - 4, s, n)
        for r, vs in enumerate(values) for s, n in enumerate(vs)
    ]  # fmt: skip
    return Chart(
        width, height, left, top, width - right, height - bottom, bars,
        [Tick(x(t), str(t)) for t in ticks],
        [Tick(round(top + r * band + band / 2, 1), label) for r, label in enumerate(labels)],
    )  # fmt: skip


CASELOAD_WIDTH, CASELOAD_LEFT = 420, 110
"""The caseload chart's width and where its bars start (its template draws with them)."""


@dataclass(frozen=True)
class Caseload:
    """One worker's line: the track as long as their own limit, the cases filled in, and
    whether they are at or over it."""

    label: str
    cases: int
    limit: int
    y: float
    track: float
    fill: float
    full: bool


def caseload_bars(
    rows: list[tuple[str, int, int]], width: float = 420, left: float = 110,
    right: float = 60, row: float = 26, top: float = 8,
) -> tuple[float, list[Caseload], list[Tick]]:  # fmt: skip
    """Each (label, cases, own limit) as a bar on one scale for everyone, so both the cases
    and the limits compare across workers; the height of the drawing and the value ticks
    (the drawing is `width` wide, the bars start at `left`: CASELOAD_WIDTH, CASELOAD_LEFT)."""
    ticks = nice_ticks(max((max(c, lim) for _, c, lim in rows), default=0))
    plot_w = width - left - right
    per = plot_w / ticks[-1]
    lines = [
        Caseload(label, cases, limit, round(top + i * row, 1), round(limit * per, 1),
                 round(cases * per, 1), cases >= limit)
        for i, (label, cases, limit) in enumerate(rows)
    ]  # fmt: skip
    height = top + row * len(rows) + 28
    return height, lines, [Tick(round(left + t * per, 1), str(t)) for t in ticks]
