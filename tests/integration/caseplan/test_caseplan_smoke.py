"""A registration opens a case plan and assigns a worker."""

from caseplan_helpers import Caseplan


async def test_registration_assigns_a_worker(caseplan: Caseplan) -> None:
    worker = await caseplan.worker()
    pid = await caseplan.register()
    plan = await caseplan.case_plan(pid)
    assert plan["support_worker"]["support_worker_id"] == worker["support_worker_id"]
