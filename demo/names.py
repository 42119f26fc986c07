"""Common given and family names by language, for synthetic participants' names."""

from __future__ import annotations

GIVEN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # language: (female names, male names)
    "et": (
        ("Mari", "Kadri", "Liis", "Kristiina", "Triin", "Piret", "Anu", "Kertu", "Maarja", "Eha"),
        ("Jaan", "Tõnu", "Andres", "Margus", "Priit", "Rein", "Siim", "Kalev", "Mart", "Urmas"),
    ),
    "ru": (
        ("Olga", "Tatjana", "Jelena", "Svetlana", "Natalja", "Irina", "Anna", "Marina", "Julia"),
        ("Sergei", "Aleksei", "Dmitri", "Andrei", "Vladimir", "Nikolai", "Igor", "Pavel", "Ivan"),
    ),
    "fi": (
        ("Aino", "Helena", "Johanna", "Kaisa", "Leena", "Minna", "Sanna", "Tiina", "Sari"),
        ("Mikko", "Juha", "Jari", "Timo", "Antti", "Pekka", "Kari", "Matti", "Ville", "Janne"),
    ),
    "sv": (
        ("Anna", "Maria", "Kristina", "Sofia", "Elin", "Linnea", "Ingrid"),
        ("Erik", "Johan", "Anders", "Lars", "Mats", "Henrik", "Nils"),
    ),
}

FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "et": ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel"),
    "ru": ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Vassiljev", "Petrov", "Sokolov", "Orlov"),
    "fi": ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Koskinen", "Järvinen"),
    "sv": ("Björk", "Lindholm", "Nyström", "Sundqvist", "Forsman", "Holmberg", "Ek"),
}

RUSSIAN_FEMALE_ENDINGS = {"ov": "ova", "ev": "eva", "in": "ina"}
"""Russian family names take a feminine ending."""
