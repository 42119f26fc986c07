"""An employer's forms (pure): an opening as matching's body (with a mobile work-practice
centre's schedule of stops), a decline with its coded reason."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from services.web.region import Place
from services.web.worker_forms import OPENING_KINDS

DECLINE_CODES = ("not_reachable", "position_filled", "skills_do_not_fit", "participant_declined",
                 "other")  # fmt: skip
LIST_FIELDS = ("required_skills", "nice_to_have_skills", "languages", "accessibility")
"""Fields written one item a comma apart."""
NUMBER_FIELDS = {"seats": (1, 1000), "hours_per_week_min": (0, 60), "hours_per_week_max": (1, 60)}
TEXT_FIELDS = {"title": 200, "description": 5000}
FLAGS = ("remote", "paused")

Errors = dict[str, dict[str, str]]


def _error(errors: Errors, name: str, kind: str) -> None:
    errors.setdefault(name, {"field": name, "type": kind})


def _items(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def opening_fields(values: dict[str, Any], *, creating: bool) -> tuple[dict[str, Any], Errors]:
    """The fields of an opening form as matching's body (POST or PATCH: every field, so the
    edit sets what the form shows) and the errors found before asking matching."""
    body: dict[str, Any] = {}
    errors: Errors = {}
    for name, longest in TEXT_FIELDS.items():
        text = str(values.get(name) or "").strip()
        if name == "title" and not text:
            _error(errors, name, "missing")
        elif len(text) > longest:
            _error(errors, name, "string_too_long")
        body[name] = text
    for name, (low, high) in NUMBER_FIELDS.items():
        text = str(values.get(name) or "").strip()
        if not text:
            _error(errors, name, "missing")
        elif not text.isdigit():
            _error(errors, name, "int_parsing")
        elif int(text) < low:
            _error(errors, name, "greater_than_equal")
        elif int(text) > high:
            _error(errors, name, "less_than_equal")
        else:
            body[name] = int(text)
    least, most = body.get("hours_per_week_min"), body.get("hours_per_week_max")
    if least is not None and most is not None and least > most:
        _error(errors, "hours_per_week_max", "hours_min_above_max")
    for name in LIST_FIELDS:
        items = _items(str(values.get(name) or ""))
        if any(len(i) > 200 for i in items):
            _error(errors, name, "string_too_long")
        body[name] = items
    for name in FLAGS:
        body[name] = str(values.get(name) or "") in ("on", "true", "1")
    if creating:
        kind = str(values.get("kind") or "")
        if kind not in OPENING_KINDS:
            _error(errors, "kind", "enum")
        body["kind"] = kind
    return body, errors


def opening_values(opening: dict[str, Any]) -> dict[str, Any]:
    """An opening from matching as the form's values."""
    values: dict[str, Any] = {name: opening.get(name) or "" for name in TEXT_FIELDS}
    values.update({name: str(opening.get(name, "")) for name in NUMBER_FIELDS})
    values.update({name: ", ".join(opening.get(name) or []) for name in LIST_FIELDS})
    values.update({name: "on" if opening.get(name) else "" for name in FLAGS})
    values["kind"] = opening.get("kind", "")
    return values


def decline_body(values: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """A decline's body (a code, and words: required with `other`) and its errors."""
    code = str(values.get("code") or "")
    reason = str(values.get("reason") or "").strip()
    errors: Errors = {}
    if code not in DECLINE_CODES:
        _error(errors, "code", "enum")
    if code == "other" and not reason:
        _error(errors, "reason", "reason_required")
    if len(reason) > 1000:
        _error(errors, "reason", "string_too_long")
    body: dict[str, Any] = {"code": code} | ({"reason": reason} if reason else {})
    return body, errors


# -- a mobile work-practice centre's schedule --------------------------------------------------
BLANK_STOPS = 2
"""Empty rows the form offers after the stops it holds (`add a row` offers one more)."""
MOST_STOPS = 100
"""As many stops as matching keeps."""
STOP_FIELD = re.compile(r"^stop-(\d{1,3})-(place|starts_on|ends_on)$")
AT = "@"
"""A place value that is coordinates (a stop set over the API at no shipped place)."""


def place_value(place: Place) -> str:
    """A shipped place as the form's choice: its municipality and its name."""
    return f"{place.municipality}|{place.name}"


def place_label(place: Place) -> str:
    """A place as a person reads it: the place, and its municipality when named otherwise."""
    return (
        place.name if place.name == place.municipality else f"{place.name} ({place.municipality})"
    )


def parse_day(text: str) -> date | None:
    """A day written dd.mm.yyyy (or as ISO yyyy-mm-dd); None when it is neither."""
    text = text.strip()
    for form in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _stop_place(value: str, places: tuple[Place, ...]) -> dict[str, Any] | None:
    """A place choice as matching's stop fields (location and municipality), None if unknown."""
    if value.startswith(AT):
        where, _, label = value[1:].partition("|")
        lat, _, lon = where.partition(",")
        try:
            point = {"lat": float(lat), "lon": float(lon)}
        except ValueError:
            return None
        if not (-90 <= point["lat"] <= 90 and -180 <= point["lon"] <= 180):
            return None
        return {"location": point} | ({"municipality": label[:100]} if label.strip() else {})
    for p in places:
        if place_value(p) == value:
            return {"location": {"lat": p.lat, "lon": p.lon}, "municipality": p.municipality}
    return None


def stop_rows(values: dict[str, Any]) -> list[int]:
    """The indexes of the schedule's rows the form sent, in order."""
    found = {int(m.group(1)) for k in values if (m := STOP_FIELD.match(k))}
    return sorted(i for i in found if i < MOST_STOPS)


def schedule_fields(
    values: dict[str, Any], places: tuple[Place, ...]
) -> tuple[list[dict[str, Any]], Errors]:
    """The schedule rows of an opening form as matching's stops, with each row's errors under
    `stop-<row>-<field>` (a row left empty is no stop): a place and both days are needed, the
    last day not before the first, and the centre is at one place a day."""
    stops: list[dict[str, Any]] = []
    errors: Errors = {}
    days: list[tuple[date, date, int]] = []
    for i in stop_rows(values):
        name = f"stop-{i}-"
        place = str(values.get(name + "place") or "").strip()
        first = str(values.get(name + "starts_on") or "").strip()
        last = str(values.get(name + "ends_on") or "").strip()
        if not (place or first or last):
            continue
        where = _stop_place(place, places) if place else None
        if not place:
            _error(errors, name + "place", "missing")
        elif where is None:
            _error(errors, name + "place", "enum")
        starts, ends = parse_day(first), parse_day(last)
        for field, text, day in (("starts_on", first, starts), ("ends_on", last, ends)):
            if not text:
                _error(errors, name + field, "missing")
            elif day is None:
                _error(errors, name + field, "date_from_datetime_parsing")
        if starts and ends and ends < starts:
            _error(errors, name + "ends_on", "stop_ends_before_start")
        elif starts and ends:
            days.append((starts, ends, i))
        if where is not None and starts and ends:
            stops.append({"starts_on": starts.isoformat(), "ends_on": ends.isoformat()} | where)
    latest: date | None = None
    for starts, ends, i in sorted(days):
        if latest is not None and starts <= latest:
            _error(errors, f"stop-{i}-starts_on", "stops_overlap")
        latest = ends if latest is None else max(latest, ends)
    return sorted(stops, key=lambda s: str(s["starts_on"])), errors


def schedule_values(schedule: list[dict[str, Any]], places: tuple[Place, ...]) -> dict[str, str]:
    """Matching's stops as the form's rows (a stop at no shipped place keeps its coordinates)."""
    values: dict[str, str] = {}
    for i, stop in enumerate(schedule):
        lat, lon = stop["location"]["lat"], stop["location"]["lon"]
        label = stop.get("municipality") or ""
        near = [p for p in places if abs(p.lat - lat) < 1e-6 and abs(p.lon - lon) < 1e-6]
        values[f"stop-{i}-place"] = place_value(near[0]) if near else f"{AT}{lat},{lon}|{label}"
        values[f"stop-{i}-starts_on"] = _day(stop["starts_on"])
        values[f"stop-{i}-ends_on"] = _day(stop["ends_on"])
    return values


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def schedule_rows(values: dict[str, Any], blank: int = BLANK_STOPS) -> list[int]:
    """The rows the form shows: every row it holds, then `blank` empty ones."""
    held = [i for i in stop_rows(values) if any(
        str(values.get(f"stop-{i}-{f}") or "").strip() for f in ("place", "starts_on", "ends_on")
    )]  # fmt: skip
    start = (max(held) + 1) if held else 0
    return (held + list(range(start, start + blank)))[:MOST_STOPS]


def place_choices(values: dict[str, Any], places: tuple[Place, ...]) -> list[tuple[str, str]]:
    """The places a stop may be at (value, words), and any coordinates the form holds."""
    choices = [(place_value(p), place_label(p)) for p in places]
    for i in stop_rows(values):
        held = str(values.get(f"stop-{i}-place") or "")
        if held.startswith(AT) and held not in dict(choices):
            where, _, label = held[1:].partition("|")
            choices.append((held, f"{label} ({where})" if label else where))
    return choices
