"""Small pure helpers of reporting: reading a gauge from /metrics text, the progress bar."""

import io

from services.reporting.cli import progress_bar
from services.reporting.domain.prometheus_text import gauge_value

METRICS = """# HELP polku_outbox_backlog Outbox rows not yet published
# TYPE polku_outbox_backlog gauge
polku_outbox_backlog{service="caseplan"} 12.0
polku_consumer_lag{group="caseplan",service="caseplan",stream="polku.intake"} 3.0
"""


def test_gauge_value_by_name_and_labels() -> None:
    assert gauge_value(METRICS, "polku_outbox_backlog", {"service": "caseplan"}) == 12.0
    assert gauge_value(METRICS, "polku_outbox_backlog", {"service": "intake"}) is None
    assert gauge_value(METRICS, "polku_consumer_lag") == 3.0
    assert gauge_value("garbage", "polku_outbox_backlog") is None


def test_progress_bar_draws_on_one_line_and_ends_it() -> None:
    out = io.StringIO()
    draw = progress_bar(out, width=10)
    draw(5, 10)
    draw(10, 10)
    assert out.getvalue() == "\r[#####.....] 5/10 events\r[##########] 10/10 events\n"
