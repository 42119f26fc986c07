"""What the operator's dashboard draws, from reporting's rows: the map's markers and the
structure's sums (a sub-region's figures come added up from reporting). Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup, escape

from services.web import region

Row = dict[str, Any]

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 420.0, 400.0, 24.0
MAP_SERIES = ("participants", "open_seats", "placements")
GLYPH = 30.0
"""The longest bar beside a marker (each series scaled to its own largest)."""

ORDERS = {
    "age_band": ("<18", "18-24", "25-29", "30-54", "55+", "unknown"),
    "months_unemployed": ("0-5", "6-11", "12-23", "24+"),
    "isced_level": (*(str(n) for n in range(9)), "unknown"),
}
"""The values of each dimension in their natural order (others follow, sorted)."""


@dataclass(frozen=True)
class Marker:
    """A municipality on the map: its centre, its counts and the bars beside it; `labelled`
    when its name fits without covering another's (its title and the table always name it)."""

    municipality: str
    place: str
    x: float
    y: float
    counts: tuple[int, int, int]
    bars: tuple[float, float, float]
    labelled: bool = True


LABEL_CHAR, LABEL_HEIGHT = 7.5, 16.0
"""The room a label's letter and line take on the map (14 px text)."""


def label_room(markers: list[Marker]) -> list[Marker]:
    """The markers with a label only where it covers no label already placed, placing the
    municipalities with the most participants first (then by name)."""
    placed: list[tuple[float, float, float, float]] = []
    keep: set[str] = set()
    for m in sorted(markers, key=lambda m: (-m.counts[0], m.municipality)):
        box = (m.x + 5, m.y - LABEL_HEIGHT, m.x + 7 + LABEL_CHAR * len(m.place), m.y)
        if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1]
               for b in placed):  # fmt: skip
            placed.append(box)
            keep.add(m.municipality)
    return [replace(m, labelled=m.municipality in keep) for m in markers]


def chosen(places: tuple[region.Place, ...], municipality: str, sub_region: str) -> list[str]:
    """The municipalities the filters choose (every one when none is chosen)."""
    names = list(region.centres(places))
    if municipality:
        return [m for m in names if m == municipality] or [municipality]
    if sub_region:
        return region.sub_regions(places).get(sub_region, [])
    return names


def map_view(
    rows: list[Row], places: tuple[region.Place, ...], municipalities: list[str]
) -> tuple[list[Marker], list[tuple[str, float, str]]]:
    """The markers of the chosen municipalities that are on the places list (all of them,
    counted or not), fitted into the map, and the whole degrees drawn behind them."""
    centres = region.centres(places)
    shown = [centres[m] for m in municipalities if m in centres]
    if not shown:
        return [], []
    spots = [(p.lat, p.lon) for p in places if p.municipality in set(municipalities)]
    f = region.frame(region.bounds_of(spots, 0.15), MAP_WIDTH, MAP_HEIGHT, MAP_PAD)
    counts = {r["municipality"]: tuple(int(r[s]) for s in MAP_SERIES) for r in rows}
    peaks = [max((c[i] for c in counts.values()), default=0) or 1 for i in range(3)]
    markers = []
    for p in shown:
        c = counts.get(p.municipality, (0, 0, 0))
        x, y = region.project(p.lat, p.lon, f)
        bars = (round(GLYPH * c[0] / peaks[0], 1), round(GLYPH * c[1] / peaks[1], 1),
                round(GLYPH * c[2] / peaks[2], 1))  # fmt: skip
        markers.append(Marker(p.municipality, p.name, x, y, c, bars))  # type: ignore[arg-type]
    return label_room(markers), region.graticule(f, MAP_WIDTH, MAP_HEIGHT)


def ordered(dimension: str, values: Iterable[str]) -> list[str]:
    """A dimension's values in its natural order."""
    known = ORDERS.get(dimension, ())
    rest = sorted(v for v in set(values) if v not in known)
    return [v for v in known if v in set(values)] + rest


def totals_by(rows: list[Row], dimension: str) -> list[tuple[str, int]]:
    """Participants of the cross-table summed by one dimension, in its natural order."""
    sums: Counter[str] = Counter()
    for r in rows:
        sums[r[dimension]] += r["participants"]
    return [(v, sums[v]) for v in ordered(dimension, sums)]


def worker_label(worker_id: str, names: dict[str, str]) -> str:
    """A support worker's name when a web account names them, else the start of the id."""
    return names.get(worker_id) or worker_id[:8]


CASELOAD_COLUMNS = ("support_worker", "support_worker_id", "cases", "capacity", "utilisation")
PIPELINE_COLUMNS = ("stream", "group", "length", "lag", "pending")
Table = tuple[tuple[str, ...], list[list[Any]]]


def caseload_download(rows: list[Row], names: dict[str, str]) -> Table:
    """The caseload table as downloaded: each worker by name as the page shows them (empty
    when no web account names them), then their id, cases, own limit and how full."""
    return CASELOAD_COLUMNS, [
        [names.get(r["support_worker_id"], ""), r["support_worker_id"], r["cases"],
         r["capacity"], r["utilisation"]]
        for r in rows
    ]  # fmt: skip


def pipeline_download(pipeline: dict[str, Any]) -> Table:
    """The pipeline health's table of streams as downloaded."""
    return PIPELINE_COLUMNS, [
        [s.get(c) for c in PIPELINE_COLUMNS] for s in pipeline.get("streams", [])
    ]


STRUCTURE_COLUMNS = ("municipality", "age_band", "months_unemployed", "isced_level",
                     "participants")  # fmt: skip
WORDED = frozenset({"age_band", "isced_level"})
"""The columns whose `unknown` the table says in words."""


def structure_rows(rows: list[Row], not_known: str) -> Markup:
    """The cross-table's rows as HTML table rows, escaped as the template escapes (thousands
    of rows: a template loop costs hundreds of milliseconds, this a few). `not_known`: the
    word for `unknown` in the person's language."""
    seen: dict[tuple[bool, Any], str] = {}

    def cell(value: Any, worded: bool) -> str:
        if type(value) is int:  # a count: nothing to escape
            return str(value)
        key = (worded, value)
        if key not in seen:
            seen[key] = str(escape(not_known if worded and value == "unknown" else value))
        return seen[key]

    return Markup("".join(
        "<tr>" + "".join(f"<td>{cell(r[c], c in WORDED)}</td>" for c in STRUCTURE_COLUMNS)
        + "</tr>\n"
        for r in rows
    ))  # fmt: skip
