"""Municipality centres, from the places list shipped with the package (places.csv)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def municipality_centres() -> dict[str, tuple[float, float]]:
    """Each known municipality's centre (its first listed place) as (lat, lon)."""
    text = resources.files("services.intake").joinpath("places.csv").read_text(encoding="utf-8")
    centres: dict[str, tuple[float, float]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        centres.setdefault(row["municipality"], (float(row["lat"]), float(row["lon"])))
    return centres


def centre_of(municipality: str) -> tuple[float, float] | None:
    """The centre of a municipality, or None when it is not in the places list."""
    return municipality_centres().get(municipality)
