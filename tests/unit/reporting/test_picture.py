"""The web dashboard's answer: a sub-region's tables added up from its municipalities'."""

from __future__ import annotations

from services.reporting.domain import picture


def test_a_sub_regions_figures_are_its_municipalities_added_up() -> None:
    a = [{"month": "2025-02", "registrations": 2, "placements_started": 0}]
    b = [{"month": "2025-01", "registrations": 1, "placements_started": 1},
         {"month": "2025-02", "registrations": 3, "placements_started": 1}]  # fmt: skip
    assert picture.add_by([a, b], "month", ("registrations", "placements_started")) == [
        {"month": "2025-01", "registrations": 1, "placements_started": 1},
        {"month": "2025-02", "registrations": 5, "placements_started": 1},
    ]
    loads = picture.with_utilisation(picture.add_by(
        [[{"support_worker_id": "b", "cases": 2, "capacity": 8, "utilisation": 0.25}],
         [{"support_worker_id": "b", "cases": 4, "capacity": 8, "utilisation": 0.5},
          {"support_worker_id": "a", "cases": 1, "capacity": 5, "utilisation": 0.2}]],
        "support_worker_id", ("cases",)))  # fmt: skip
    assert [(r["support_worker_id"], r["cases"], r["utilisation"]) for r in loads] == [
        ("b", 6, 0.75),
        ("a", 1, 0.2),
    ]
    use = picture.with_use([{"organisation_kind": "association", "seats": 0, "placements": 0}])
    assert use[0]["utilisation"] is None
    assert picture.only([{"municipality": "A"}, {"municipality": "B"}], ["B"]) == [
        {"municipality": "B"}
    ]
    one = [{"organisation_kind": "association", "seats": 4, "placements": 1, "utilisation": 0}]
    assert picture.added("intermediate-labour-market", [one])[0]["utilisation"] == 0.25
