"""Straight-line distances and the geographic grid used to find nearby candidates."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.2
CELL_DEGREES_LAT = 0.3
"""About 33 km north-south."""
CELL_DEGREES_LON = 0.6
"""About 33 km east-west at 60°N (less further north, more further south)."""

Cell = tuple[int, int]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def cell_of(lat: float, lon: float) -> Cell:
    """The grid cell holding a point."""
    return (math.floor(lat / CELL_DEGREES_LAT), math.floor(lon / CELL_DEGREES_LON))


def cell_key(cell: Cell) -> str:
    """A cell as text, for storing in a database column."""
    return f"{cell[0]}:{cell[1]}"


def cells_within(lat: float, lon: float, radius_km: float) -> list[Cell]:
    """Every cell that may hold a point within `radius_km` of (lat, lon): a bounding box."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    # The widest longitude span of the box is at its pole-most latitude.
    far_lat = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(far_lat))))
    lat_lo, lon_lo = cell_of(lat - dlat, lon - dlon)
    lat_hi, lon_hi = cell_of(lat + dlat, lon + dlon)
    return [(a, b) for a in range(lat_lo, lat_hi + 1) for b in range(lon_lo, lon_hi + 1)]
