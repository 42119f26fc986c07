"""The operator's map and charts as numbers: the projection of latitude and longitude, axis
ticks, grouped and horizontal bars, caseloads against own limits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.web import charts, region
from services.web import operator_views as views

BOX = region.Bounds(south=58.0, west=22.0, north=60.0, east=28.0)


def test_the_corners_of_the_box_go_to_the_corners_of_the_drawing_centred() -> None:
    f = region.frame(BOX, 600, 600, pad=20)
    north_west, south_east = region.project(60.0, 22.0, f), region.project(58.0, 28.0, f)
    # 6° of longitude at 59°N are 6 × cos 59° ≈ 3.09 "degrees" wide, 2° of latitude high:
    # the width limits the scale, (600 - 40) / 3.09 px per degree, and the height is centred
    assert north_west[0] == 20.0 and south_east[0] == 580.0
    height = south_east[1] - north_west[1]
    assert height == pytest.approx(2 * 560 / (6 * 0.51504), abs=0.2)
    assert north_west[1] == pytest.approx((600 - height) / 2, abs=0.1)
    narrow = region.frame(BOX, 600, 400, pad=20)  # here the height limits the scale
    assert region.project(58.0, 22.0, narrow)[1] - region.project(60.0, 22.0, narrow)[1] == 360


def test_north_is_up_east_is_right_and_shapes_keep_their_look() -> None:
    f = region.frame(BOX, 600, 600)
    x, y = region.project(59.0, 25.0, f)
    east = region.project(59.0, 26.0, f)
    north = region.project(60.0, 25.0, f)
    assert east[0] > x and east[1] == y and north[1] < y and north[0] == x
    # a degree of longitude is cos(59°) of a degree of latitude on the drawing
    assert (east[0] - x) / (y - north[1]) == pytest.approx(0.515, abs=0.002)


def test_bounds_widen_by_the_margin_and_refuse_nothing() -> None:
    assert region.bounds_of([(63.5, 23.7), (59.4, 28.2)], 0.5) == region.Bounds(
        58.9, 23.2, 64.0, 28.7
    )
    with pytest.raises(ValueError):
        region.bounds_of([])


def test_the_graticule_holds_whole_degrees_inside_the_drawing() -> None:
    f = region.frame(BOX, 600, 400)
    lines = region.graticule(f, 600, 400)
    assert [t for a, _, t in lines if a == "lat"] == ["58°N", "59°N", "60°N"]
    assert [t for a, _, t in lines if a == "lon"] == [f"{d}°E" for d in range(22, 29)]


def test_the_shipped_places_have_every_municipality_in_one_sub_region() -> None:
    places = region.load_places()
    assert len(places) == 23 and region.centres(places)["Võru vald"].name == "Sänna"
    subs = region.sub_regions(places)
    assert subs["Kaustinen"] == ["Kaustinen", "Veteli", "Halsua", "Perho", "Toholampi",
                                 "Lestijärvi"]  # fmt: skip
    assert sum(len(m) for m in subs.values()) == len(region.centres(places))


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [(0, [0, 1]), (1, [0, 1]), (4, [0, 1, 2, 3, 4]), (7, [0, 2, 4, 6, 8]),
     (23, [0, 5, 10, 15, 20, 25]), (140, [0, 50, 100, 150])],
)  # fmt: skip
def test_ticks_are_round_and_reach_the_peak(peak: int, ticks: list[int]) -> None:
    assert charts.nice_ticks(peak) == ticks


def test_grouped_bars_stand_side_by_side_on_one_scale() -> None:
    chart = charts.grouped_bars(["2025-01", "2025-02"], [[4, 4, 0], [8, 2, 1]], width=244,
                                height=120, left=44, right=0, top=10, bottom=30)  # fmt: skip
    # plot 200 × 80, ticks 0..8 by 2: 10 px per person; slots of 100 px, bars of 80/3 px
    first = chart.bars[:3]
    assert [b.series for b in first] == [0, 1, 2]
    assert first[0].x + first[0].width <= first[1].x  # equal values never cover each other
    assert (first[0].height, first[1].height, first[2].height) == (40.0, 40.0, 0.0)
    assert chart.bars[3].height == 80.0 and chart.bars[3].y == 10.0
    assert [t.label for t in chart.value_ticks] == ["0", "2", "4", "6", "8"]
    assert [t.label for t in chart.group_ticks] == ["2025-01", "2025-02"]


def test_month_labels_are_thinned_so_they_do_not_overlap_and_the_last_is_kept() -> None:
    months = [f"2025-{m:02}" for m in range(1, 13)] + ["2026-01"]
    chart = charts.grouped_bars(months, [[1]] * 13, width=364, left=44, right=0)
    shown = [t.label for t in chart.group_ticks]
    assert shown[0] == "2025-01" and shown[-1] == "2026-01" and len(shown) < 13
    gaps = [b.at - a.at for a, b in zip(chart.group_ticks, chart.group_ticks[1:], strict=False)]
    assert min(gaps) >= 58


def test_horizontal_bars_have_a_row_each_and_grow_with_the_rows() -> None:
    chart = charts.horizontal_bars(["18-24", "55+"], [[5], [1]], width=300, left=100, right=0)
    assert [b.width for b in chart.bars] == [200.0, 40.0]
    assert [t.label for t in chart.group_ticks] == ["18-24", "55+"]
    assert chart.height == 8 + 2 * 30 + 28


def test_caseloads_are_drawn_against_each_workers_own_limit_on_one_scale() -> None:
    height, lines, ticks = charts.caseload_bars(
        [("Anna", 9, 8), ("12345678", 3, 25)], width=300, left=50, right=0
    )
    # scale 0..25 over 250 px: Anna's track is her limit 8 (80 px), her cases over it
    assert (lines[0].track, lines[0].fill, lines[0].full) == (80.0, 90.0, True)
    assert (lines[1].track, lines[1].fill, lines[1].full) == (250.0, 30.0, False)
    assert ticks[-1].label == "25" and height == 8 + 2 * 26 + 28


def test_the_map_marks_the_chosen_municipalities_with_bars_scaled_per_series() -> None:
    places = region.load_places()
    rows = [{"municipality": "Kaustinen", "participants": 6, "open_seats": 8, "placements": 2},
            {"municipality": "Veteli", "participants": 3, "open_seats": 0, "placements": 4}]  # fmt: skip
    names = views.chosen(places, "", "Kaustinen")
    markers, lines = views.map_view(rows, places, names)
    assert [m.municipality for m in markers] == names
    kaustinen, veteli = markers[0], markers[1]
    assert kaustinen.counts == (6, 8, 2) and kaustinen.bars == (
        views.GLYPH,
        views.GLYPH,
        views.GLYPH / 2,
    )
    assert veteli.bars == (views.GLYPH / 2, 0.0, views.GLYPH) and markers[2].counts == (0, 0, 0)
    assert all(0 <= m.x <= views.MAP_WIDTH and 0 <= m.y <= views.MAP_HEIGHT for m in markers)
    assert veteli.x > kaustinen.x and veteli.y > kaustinen.y  # south-east of Kaustinen
    assert lines  # 63°N and 24°E at least
    assert views.map_view(rows, places, ["Nowhere"]) == ([], [])


def test_a_municipality_wins_over_a_sub_region() -> None:
    places = region.load_places()
    assert views.chosen(places, "Narva linn", "Kaustinen") == ["Narva linn"]
    assert views.chosen(places, "", "Ida-Viru") == ["Jõhvi vald", "Narva linn",
                                                    "Kohtla-Järve linn"]  # fmt: skip
    assert len(views.chosen(places, "", "")) == 22


def test_the_structure_sums_follow_each_dimensions_order() -> None:
    rows = [
        {"age_band": "55+", "months_unemployed": "24+", "participants": 1},
        {"age_band": "18-24", "months_unemployed": "6-11", "participants": 5},
        {"age_band": "unknown", "months_unemployed": "6-11", "participants": 2},
    ]
    assert views.totals_by(rows, "age_band") == [("18-24", 5), ("55+", 1), ("unknown", 2)]
    assert views.totals_by(rows, "months_unemployed") == [("6-11", 7), ("24+", 1)]
    assert views.worker_label("12345678-9abc", {}) == "12345678"
    assert views.worker_label("12345678-9abc", {"12345678-9abc": "Anna"}) == "Anna"


def test_the_web_front_ships_the_projects_reference_places() -> None:
    reference = Path(__file__).parents[3] / "services" / "intake" / "places.csv"
    with reference.open(encoding="utf-8") as f:
        rows = [(r["municipality"], r["place"], float(r["lat"]), float(r["lon"]))
                for r in csv.DictReader(f)]  # fmt: skip
    assert [(p.municipality, p.name, p.lat, p.lon) for p in region.load_places()] == rows


def test_map_labels_never_cover_each_other_the_most_participants_first() -> None:
    def marker(name: str, x: float, y: float, n: int) -> views.Marker:
        return views.Marker(name, name, x, y, (n, 0, 0), (0.0, 0.0, 0.0))

    near, far = marker("Veteli", 100, 100, 9), marker("Halsua", 400, 100, 0)
    crowded = marker("Kaustinen", 110, 105, 1)  # its label would cover Veteli's
    below = marker("Perho", 100, 130, 0)  # just clear of Veteli's name and bars
    out = views.label_room([crowded, near, far, below])
    assert [(m.municipality, m.labelled) for m in out] == [
        ("Kaustinen", False),
        ("Veteli", True),
        ("Halsua", True),
        ("Perho", True),
    ]
    whole = views.map_view([], region.load_places(), views.chosen(region.load_places(), "", ""))
    boxes = [(m.x, m.y, len(m.place)) for m in whole[0] if m.labelled]
    assert 0 < len(boxes) < 22  # the crowded Kaustinen sub-region cannot name every place
    alone = views.map_view([], region.load_places(), ["Narva linn"])[0]
    assert [m.labelled for m in alone] == [True]


def test_the_caseload_download_names_each_worker_as_the_page_does() -> None:
    from services.web.operator_views import caseload_download, pipeline_download

    rows = [{"support_worker_id": "w1", "cases": 5, "capacity": 6, "utilisation": 0.833},
            {"support_worker_id": "w2", "cases": 1, "capacity": 25, "utilisation": 0.04}]  # fmt: skip
    columns, cells = caseload_download(rows, {"w1": "Mari Tamm"})
    assert columns[:3] == ("support_worker", "support_worker_id", "cases")
    assert cells == [["Mari Tamm", "w1", 5, 6, 0.833], ["", "w2", 1, 25, 0.04]]
    streams = {"streams": [{"stream": "polku.intake", "group": "web", "length": 9, "lag": 0,
                            "pending": 1, "extra": "x"}]}  # fmt: skip
    assert pipeline_download(streams) == (
        ("stream", "group", "length", "lag", "pending"), [["polku.intake", "web", 9, 0, 1]])  # fmt: skip
    assert pipeline_download({}) == (("stream", "group", "length", "lag", "pending"), [])


def test_the_structure_table_is_the_rows_the_template_loop_drew() -> None:
    from jinja2 import Environment

    rows = [
        {"municipality": "Tõrva <b>&'\"", "age_band": "unknown", "months_unemployed": "0-5",
         "isced_level": "3", "participants": 7},
        {"municipality": "Veteli", "age_band": "18-24", "months_unemployed": "24+",
         "isced_level": "unknown", "participants": 1234},
    ]  # fmt: skip
    former = Environment(autoescape=True).from_string(
        '{% macro word(value) %}{{ "Ei tiedossa" if value == "unknown" else value }}{% endmacro %}'
        "{% for r in structure %}<tr><td>{{ r.municipality }}</td><td>{{ word(r.age_band) }}"
        "</td><td>{{ r.months_unemployed }}</td><td>{{ word(r.isced_level) }}</td><td>"
        "{{ r.participants }}</td></tr>\n    {% endfor %}"
    )
    drawn = str(views.structure_rows(rows, "Ei tiedossa"))
    assert drawn.split() == former.render(structure=rows).split()
    assert "&lt;b&gt;&amp;&#39;&#34;" in drawn and drawn.count("Ei tiedossa") == 2
    assert str(views.structure_rows([], "x")) == ""
