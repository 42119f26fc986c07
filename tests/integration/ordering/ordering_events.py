"""The events of the ordering scenarios, built in each producer's own order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from ordering_support import Batch, Lane, Move, Step

from shared.events import Envelope, new_event, streams
from shared.events.caseplan import CaseplanOpened, ParticipantExited, ParticipantReadyForMatching
from shared.events.envelope import Payload
from shared.events.intake import ParticipantErased, ParticipantRegistered, ParticipantUpdated
from shared.events.matching import MatchAccepted
from shared.events.vocabulary import ExitOutcome

ON = date(2026, 3, 2)
Act = Callable[["Cast", Step], Awaitable[None]]
"""What a service's own API does for an action step."""
FIRST_TOWN, MOVED_TO = "Kaustinen", "Veteli"


def registered(who: str) -> Step:
    """intake: participant.registered."""
    return Step(who, "R", streams.INTAKE)


def corrected(who: str) -> Step:
    """intake: participant.updated (moved to another municipality)."""
    return Step(who, "U", streams.INTAKE)


def erased(who: str) -> Step:
    """intake: participant.erased."""
    return Step(who, "E", streams.INTAKE)


def opened(who: str) -> Step:
    """caseplan: caseplan.opened."""
    return Step(who, "O", streams.CASEPLAN)


def ready(who: str) -> Step:
    """caseplan: participant.ready_for_matching."""
    return Step(who, "Y", streams.CASEPLAN)


def exited(who: str) -> Step:
    """caseplan: participant.exited."""
    return Step(who, "X", streams.CASEPLAN)


class Cast:
    """Fresh participant ids (and case plan ids) for one delivery, by label."""

    def __init__(self, labels: Sequence[str], towns: tuple[str, str] = (FIRST_TOWN, MOVED_TO)):
        self.ids: dict[str, UUID] = {label: uuid4() for label in labels}
        self.plans: dict[str, UUID] = {label: uuid4() for label in labels}
        self.first_town, self.moved_to = towns

    def payload(self, step: Step) -> Payload:
        """The event a step stands for."""
        pid, on = self.ids[step.who], ON
        profile: dict[str, Any] = {"participant_id": pid, "registered_on": on,
                                   "languages": ["fi"], "skills": ["woodwork"]}  # fmt: skip
        match step.kind:
            case "R":
                return ParticipantRegistered(municipality=self.first_town, **profile)
            case "U":
                return ParticipantUpdated(
                    municipality=self.moved_to, changed_fields=["municipality"], **profile
                )
            case "E":
                return ParticipantErased(participant_id=pid)
            case "O":
                return CaseplanOpened(participant_id=pid, case_plan_id=self.plans[step.who],
                                      municipality=self.first_town, opened_on=on,
                                      planned_end_on=on + timedelta(days=365))  # fmt: skip
            case "A":
                return MatchAccepted(match_id=self.plans[step.who], participant_id=pid,
                                     opening_id=uuid4(), organisation_id=uuid4())  # fmt: skip
            case "Y":
                return ParticipantReadyForMatching(participant_id=pid)
            case "X":
                return ParticipantExited(participant_id=pid, case_plan_id=self.plans[step.who],
                                         outcome=ExitOutcome.EMPLOYED, exited_on=on,
                                         follow_up_due_on=on + timedelta(days=182))  # fmt: skip
        raise AssertionError(step)

    def envelopes(self, lanes: Sequence[Lane]) -> dict[Step, Envelope[Any]]:
        """Each event enveloped in its producer's order (so occurred_at follows it)."""
        return {
            step: new_event(self.payload(step), producer="ordering-test")
            for lane in lanes
            for step in lane
            if step.stream is not None
        }

    def batches(
        self, lanes: Sequence[Lane], delivery: list[Batch], act: Act | None = None
    ) -> list[Move]:
        """A delivery's batches as this cast's envelopes (an action step: `act` on it)."""
        envelopes = self.envelopes(lanes)
        moves: list[Move] = []
        for batch in delivery:
            if batch[0].stream is None:
                assert act is not None and len(batch) == 1
                moves.append(partial(act, self, batch[0]))
            else:
                moves.append([envelopes[s] for s in batch])
        return moves


def accepted(who: str) -> Step:
    """matching: match.accepted (an organisation took the participant)."""
    return Step(who, "A", streams.MATCHING)


def action(who: str, kind: str) -> Step:
    """The service's own API acting on a participant (not a stream entry)."""
    return Step(who, kind, None)


def label(batches: list[Batch]) -> str:
    """A delivery, readable in a failure: batches of who+kind, e.g. `[yR xR] [yE] | [xY]`."""
    return " ".join("[" + " ".join(f"{s.who}{s.kind}" for s in b) + "]" for b in batches)
