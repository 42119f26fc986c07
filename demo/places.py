"""The real places of the demo region (places.csv, copied from the project's reference)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

IDA_VIRU = frozenset({"Jõhvi vald", "Narva linn", "Kohtla-Järve linn"})
"""Ida-Viru county municipalities, where Russian is widely spoken."""

TELEWORK_CENTRES = ("Kõnnu", "Laulasmaa", "Kanepi", "Paide", "Abja-Paluoja")


@dataclass(frozen=True)
class Place:
    """One town or village where the network works, with approximate coordinates."""

    country: str
    municipality: str
    name: str
    lat: float
    lon: float
    role: str

    @property
    def in_ida_viru(self) -> bool:
        """True for the Russian-speaking north-east of Estonia."""
        return self.municipality in IDA_VIRU


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    """Every place in places.csv, in file order."""
    text = resources.files("demo").joinpath("places.csv").read_text(encoding="utf-8")
    return tuple(
        Place(
            country=row["country"],
            municipality=row["municipality"],
            name=row["place"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            role=row["role_in_network"],
        )
        for row in csv.DictReader(io.StringIO(text))
    )


def place_named(name: str) -> Place:
    """The place with this name (e.g. "Kaustinen"); KeyError when unknown."""
    for place in load_places():
        if place.name == name:
            return place
    raise KeyError(name)


# Rough relative sizes of the participant populations (larger towns send more people).
PLACE_WEIGHTS: dict[str, float] = {
    "Kaustinen": 4, "Veteli": 3, "Halsua": 1.5, "Perho": 2, "Toholampi": 2.5,
    "Lestijärvi": 1, "Jõhvi": 8, "Narva": 14, "Kohtla-Järve": 10, "Rapla": 5,
    "Märjamaa": 3, "Rakvere": 6, "Haljala": 2, "Kanepi": 2, "Kõnnu": 2, "Laulasmaa": 2,
    "Keila": 3, "Paide": 4, "Abja-Paluoja": 2, "Tartu": 12, "Sänna": 1, "Urvaste": 1,
    "Kuressaare": 5,
}  # fmt: skip
