"""The benchmarks' percentile helper (pure)."""

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # bench/ is not an installed package

from bench.common import percentile


def test_percentiles_interpolate_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50.5
    assert percentile(values, 99) == 99.01
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 100.0


def test_percentile_ignores_input_order_and_handles_one_value() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.0], 99) == 7.0


def test_percentile_of_nothing_is_nan() -> None:
    assert math.isnan(percentile([], 50))


def test_a_figure_says_whether_it_met_its_target() -> None:
    from bench.common import Figure

    assert Figure("p99", 80.0, "ms", "< 100").met() == "yes"
    assert Figure("p99", 120.0, "ms", "< 100").met() == "NO"
    assert Figure("rate", 2000.0, "/s", ">= 2000").met() == "yes"
    assert Figure("same", 1.0, "bool", "1").met() == "yes"
    assert Figure("same", 0.0, "bool", "1").met() == "NO"
    assert Figure("build", 5.0, "ms").met() == ""
