"""A service process freezes what start-up built and collects cycles less often."""

from __future__ import annotations

import json
import subprocess
import sys

from shared.gc_tuning import THRESHOLD

PROBE = """
import gc, json
from shared.gc_tuning import tune_for_service
before = gc.get_threshold()
tune_for_service()
cycle = []; cycle.append(cycle); del cycle  # garbage in a cycle is still found
found = gc.collect()
print(json.dumps([before, gc.get_threshold(), gc.get_freeze_count(), found]))
"""


def test_tuning_raises_the_thresholds_freezes_start_up_and_still_collects_cycles() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    before, after, frozen, found = json.loads(out.stdout)
    assert tuple(after) == THRESHOLD != tuple(before)
    assert frozen > 1000  # the modules, classes and functions of start-up
    assert found >= 1


def test_polku_run_tunes_the_collector_before_serving() -> None:
    import inspect

    from polku import cli

    source = inspect.getsource(cli.cmd_run)
    assert source.index("tune_for_service()") < source.index("uvicorn.run(")
