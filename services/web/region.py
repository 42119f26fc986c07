"""The region on the operator's map: the places Polku ships (places.csv, the project's
reference with each municipality's sub-region) and their projection onto an SVG."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Place:
    """A town or village where the network works, with approximate coordinates."""

    country: str
    municipality: str
    name: str
    lat: float
    lon: float
    sub_region: str


@dataclass(frozen=True)
class Bounds:
    """A box of latitudes and longitudes."""

    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True)
class Frame:
    """Where a box of the earth goes on the drawing: its scale and offsets (equirectangular,
    longitudes shrunk by the cosine of the box's middle latitude, so shapes keep their look)."""

    bounds: Bounds
    scale: float
    x0: float
    y0: float
    shrink: float


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    """Every place in places.csv, in file order."""
    text = resources.files("services.web").joinpath("places.csv").read_text(encoding="utf-8")
    return tuple(
        Place(row["country"], row["municipality"], row["place"], float(row["lat"]),
              float(row["lon"]), row["sub_region"])
        for row in csv.DictReader(io.StringIO(text))
    )  # fmt: skip


def centres(places: tuple[Place, ...]) -> dict[str, Place]:
    """Each municipality's centre: its first listed place."""
    out: dict[str, Place] = {}
    for p in places:
        out.setdefault(p.municipality, p)
    return out


def sub_regions(places: tuple[Place, ...]) -> dict[str, list[str]]:
    """Each sub-region's municipalities, in file order."""
    out: dict[str, list[str]] = {}
    for p in places:
        names = out.setdefault(p.sub_region, [])
        if p.municipality not in names:
            names.append(p.municipality)
    return out


def bounds_of(points: list[tuple[float, float]], margin: float = 0.1) -> Bounds:
    """The smallest box holding every (lat, lon), widened by `margin` degrees on each side."""
    if not points:
        raise ValueError("no points")
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return Bounds(min(lats) - margin, min(lons) - margin, max(lats) + margin, max(lons) + margin)


def frame(bounds: Bounds, width: float, height: float, pad: float = 0) -> Frame:
    """The frame fitting the box into width × height less `pad` on each side, centred."""
    shrink = math.cos(math.radians((bounds.south + bounds.north) / 2))
    span_x = max((bounds.east - bounds.west) * shrink, 1e-9)
    span_y = max(bounds.north - bounds.south, 1e-9)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    x0 = (width - span_x * scale) / 2
    y0 = (height - span_y * scale) / 2
    return Frame(bounds, scale, x0, y0, shrink)


def project(lat: float, lon: float, f: Frame) -> tuple[float, float]:
    """The SVG coordinates (x right, y down) of a latitude and longitude, rounded to 0.1."""
    x = f.x0 + (lon - f.bounds.west) * f.shrink * f.scale
    y = f.y0 + (f.bounds.north - lat) * f.scale
    return round(x, 1), round(y, 1)


def graticule(f: Frame, width: float, height: float) -> list[tuple[str, float, str]]:
    """Whole-degree parallels and meridians inside the drawing: ('lat' | 'lon', position in
    the drawing (y for a parallel, x for a meridian), label such as 60°N, or none where it
    would touch the one before)."""
    b = f.bounds
    lines: list[tuple[str, float, str]] = []
    for lat in range(math.ceil(b.south), math.floor(b.north) + 1):
        y = project(lat, b.west, f)[1]
        if 0 <= y <= height:
            lines.append(("lat", y, f"{lat}°N"))
    last = -math.inf
    for lon in range(math.ceil(b.west), math.floor(b.east) + 1):
        x = project(b.north, lon, f)[0]
        if 0 <= x <= width:
            shown = x - last >= 44  # a label needs about 40 px: the others are lines only
            lines.append(("lon", x, f"{lon}°E" if shown else ""))
            last = x if shown else last
    return lines
