"""The living demo region: a seeded, deterministic generator of the places, organisations,
support workers, openings and participants of a regional network and of their year, and
`polku demo`, which creates that region through the services' public APIs and drives it."""

from demo.people import Participant, iter_participants
from demo.region import Opening, Organisation, Region, SupportWorker, build_region
from demo.year import Action, Journey, journey, year_schedule

__all__ = [
    "Action",
    "Journey",
    "Opening",
    "Organisation",
    "Participant",
    "Region",
    "SupportWorker",
    "build_region",
    "iter_participants",
    "journey",
    "year_schedule",
]
