"""The open openings one matching process holds in memory, kept current from the database.

Proposals for participants are searched in this catalog's `OpeningIndex` instead of reading
every opening within reach from SQL. Before each proposal batch (under the proposal lock),
`sync` reads only the opening rows written by transactions that its previous read could not
see: each row carries `changed_xid`, the id of the transaction that last wrote it, and each
read keeps its snapshot's xmax and in-progress ids. So an opening posted, changed or closed
through any replica is proposable, or not, exactly as if it were read from SQL in the same
transaction. Capacity is never cached: accepted and live counts are read per batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from services.matching import repository as repo
from services.matching.domain import Candidate, OpeningIndex
from services.matching.domain.allocation import OpeningLoad, OpeningLoads
from services.matching.views import opening_of, stored_schedule


@dataclass(frozen=True)
class OpeningFacts:
    """What a proposal needs of an opening besides its view."""

    organisation_id: UUID
    title: str
    seats: int
    ends_on: date | None
    notifies: bool
    """Its organisation has a webhook URL (turning it on or off rewrites the organisation's
    open openings' rows, so they are read again)."""
    changed: str
    """The transaction id that wrote this version of the row."""


class OpeningCatalog:
    """Every open opening: the index for proposals and the facts for the proposals' rows."""

    def __init__(self) -> None:
        self.index = OpeningIndex()
        self.facts: dict[UUID, OpeningFacts] = {}
        self.today: date | None = None
        self._seen: tuple[str, list[str]] | None = None
        self._mobile: dict[UUID, asyncpg.Record] = {}
        """Open openings with a schedule of stops: placed again when the day changes."""
        self._lock = asyncio.Lock()

    async def sync(self, conn: asyncpg.Connection) -> int:
        """Take in the openings changed since the last sync; returns how many rows were read."""
        async with self._lock:
            rows = await repo.openings_changed(conn, self._seen)
            read = 0
            new_day = self.today is not None and rows[0]["today"] != self.today
            self.today = rows[0]["today"]
            for row in rows:
                if row["opening_id"] is not None:
                    self._take(row)
                    read += 1
            if new_day:  # a mobile centre has moved on: each is at the day's stop
                for mobile in self._mobile.values():
                    self.index.add(opening_of(mobile, accepted=0, day=self.today))
            self._seen = (rows[0]["xmax"], list(rows[0]["xip"]))
            return read

    def _take(self, row: asyncpg.Record) -> None:
        opening_id = row["opening_id"]
        known = self.facts.get(opening_id)
        if known is not None and known.changed == row["changed"]:
            return  # the same version, read again while its writer looked in progress
        if row["status"] != "open" or row["paused"]:  # a paused opening takes no proposals
            self.index.remove(opening_id)
            self.facts.pop(opening_id, None)
            self._mobile.pop(opening_id, None)
            return
        if stored_schedule(row):
            self._mobile[opening_id] = row
        else:
            self._mobile.pop(opening_id, None)
        # The view's seats_left is the seats: accepted counts are read per batch, and a free
        # proposal slot (OpeningLoad.free_slots > 0) implies a seat left.
        self.index.add(opening_of(row, accepted=0, day=self.today))
        self.facts[opening_id] = OpeningFacts(
            organisation_id=row["organisation_id"],
            title=row["title"],
            seats=row["seats"],
            ends_on=row["ends_on"],
            notifies=row["notifies"],
            changed=row["changed"],
        )

    def still_open(self, opening_id: UUID) -> bool:
        """Whether an indexed opening has not ended (by the database's date at the last sync)."""
        ends_on = self.facts[opening_id].ends_on
        return ends_on is None or self.today is None or ends_on >= self.today

    def reachable(self, candidates: Iterable[Candidate], walking_km: float) -> set[UUID]:
        """Every indexed opening any of these participants might reach."""
        return self.index.reachable(candidates, walking_km)

    async def loads(self, conn: asyncpg.Connection, reach: set[UUID]) -> OpeningLoads:
        """The current capacity of the openings within reach, read from the database."""
        counted = {}
        if reach:
            for row in await repo.opening_loads(conn, list(reach)):
                oid = row["opening_id"]
                counted[oid] = OpeningLoad(self.facts[oid].seats, row["accepted"], row["live"])
        return OpeningLoads(reach, lambda oid: self.facts[oid].seats, counted)
