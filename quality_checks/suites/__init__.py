"""Every suite by name: the names `quality_checks.runner.validate` accepts."""

from quality_checks.suite import Suite
from quality_checks.suites import docreq, dvc, ecabinet, hr, marts, qlvb

SUITES: dict[str, Suite] = {**dvc.SUITES, **marts.SUITES, **ecabinet.SUITES, **hr.SUITES, **qlvb.SUITES}
SUITES.update(docreq.SUITES)
