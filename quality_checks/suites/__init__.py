"""Every suite by name: the names `quality_checks.runner.validate` accepts."""

from quality_checks.suite import Suite
from quality_checks.suites import docreq, dvc, dvc_portal, ecabinet, hr, marts, qlvb

SUITES: dict[str, Suite] = {
    **docreq.SUITES,
    **dvc.SUITES,
    **dvc_portal.SUITES,
    **marts.SUITES,
    **ecabinet.SUITES,
    **hr.SUITES,
    **qlvb.SUITES,
}
