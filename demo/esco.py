"""A small fixed list of real ESCO concepts used for skills and interests.

Only concepts whose URIs we could verify are listed, so no URI here is invented:
- occupations are ESCO's ISCO-08 group concepts (`http://data.europa.eu/esco/isco/C<code>`,
  the pattern of ESCO v1.2's `ISCOGroups_en.csv`), labelled with their ISCO-08 titles;
- skills are the top groups of ESCO's skills pillar (`skill/S1`..`S8`) and of its transversal
  skills (`skill/T1`..`T6`), labelled as in ESCO v1.1+.
They are broad, which suits low-threshold work: a demo participant "handles and moves" rather
than knowing a named machine.
"""

from __future__ import annotations

from dataclasses import dataclass

ESCO = "http://data.europa.eu/esco/"


@dataclass(frozen=True)
class EscoConcept:
    """One ESCO concept: its URI and English preferred label."""

    uri: str
    label: str


def _isco(code: str, label: str) -> EscoConcept:
    return EscoConcept(f"{ESCO}isco/C{code}", label)


def _skill(code: str, label: str) -> EscoConcept:
    return EscoConcept(f"{ESCO}skill/{code}", label)


OCCUPATIONS: tuple[EscoConcept, ...] = (
    _isco("9112", "Cleaners and helpers in offices, hotels and other establishments"),
    _isco("9412", "Kitchen helpers"),
    _isco("5120", "Cooks"),
    _isco("9321", "Hand packers"),
    _isco("9333", "Freight handlers"),
    _isco("4321", "Stock clerks"),
    _isco("9214", "Garden and horticultural labourers"),
    _isco("6113", "Gardeners, horticultural and nursery growers"),
    _isco("9215", "Forestry labourers"),
    _isco("7522", "Cabinet-makers and related workers"),
    _isco("7115", "Carpenters and joiners"),
    _isco("9313", "Building construction labourers"),
    _isco("7231", "Motor vehicle mechanics and repairers"),
    _isco("8322", "Car, taxi and van drivers"),
    _isco("5223", "Shop sales assistants"),
    _isco("4110", "General office clerks"),
    _isco("4222", "Contact centre information clerks"),
    _isco("3512", "Information and communications technology user support technicians"),
    _isco("5322", "Home-based personal care workers"),
    _isco("5311", "Child care workers"),
    _isco("7318", "Handicraft workers in textile, leather and related materials"),
    _isco("9329", "Manufacturing labourers not elsewhere classified"),
    _isco("9622", "Odd job persons"),
)

SKILLS: tuple[EscoConcept, ...] = (
    _skill("S1", "communication, collaboration and creativity"),
    _skill("S2", "information skills"),
    _skill("S3", "assisting and caring"),
    _skill("S4", "management skills"),
    _skill("S5", "working with computers"),
    _skill("S6", "handling and moving"),
    _skill("S7", "constructing"),
    _skill("S8", "working with machinery and specialised equipment"),
    _skill("T1", "core skills and competences"),
    _skill("T2", "thinking skills and competences"),
    _skill("T3", "self-management skills and competences"),
    _skill("T4", "social and communication skills and competences"),
    _skill("T5", "physical and manual skills and competences"),
    _skill("T6", "life skills and competences"),
)

TELEWORK_SKILLS = frozenset({f"{ESCO}skill/S5", f"{ESCO}skill/S2"})
"""Skills that telework desks ask for."""
