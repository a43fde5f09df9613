"""Good rows and one broken row per expectation of the document requirement suite, as in cases.py."""

from __future__ import annotations

from datetime import date

from tests.quality_checks.cases import Break, SuiteCase

NN = "ExpectColumnValuesToNotBeNull"
NULL = "ExpectColumnValuesToBeNull"
BETWEEN = "ExpectColumnValuesToBeBetween"
DECIDED = "where status in ['on_time', 'late']"
PERIOD = "2025-01-01/2025-12-31"
_ON_TIME = {
    "agency_code": "H35.04",
    "period_start": date(2025, 1, 1),
    "period_end": date(2025, 12, 31),
    "requirement_id": "cchc_reports",
    "item_code": "q1",
    "status": "on_time",
    "deadline_date": date(2025, 3, 16),
    "document_key": "H35.04|di|000.00.04.H35,2025/03/13,12/BC-SYT",
    "promulgation_date": date(2025, 3, 13),
    "days_late": -3,
    "coverage_start": date(2024, 7, 1),
}
_UNDECIDED = {"document_key": None, "promulgation_date": None, "days_late": None}


def _key(item: str) -> str:
    return f"H35.04/{PERIOD}/cchc_reports/{item}"


def _break(expectation: str, item: str, **changes) -> Break:
    return Break(expectation, _key(item), {"item_code": item, **changes})


ITEM = SuiteCase(
    suite="marts.dd_qlvb_docreq_item",
    dtypes={"days_late": "Int64"},
    good=[
        _ON_TIME,
        {
            **_ON_TIME,
            "item_code": "h1",
            "status": "late",
            "days_late": 3,
            "promulgation_date": date(2025, 6, 19),
        },
        {
            **_ON_TIME,
            **_UNDECIDED,
            "item_code": "q3",
            "status": "pending",
            "deadline_date": date(2025, 9, 16),
        },
        {**_ON_TIME, **_UNDECIDED, "item_code": "nam", "status": "missing"},
        {**_ON_TIME, **_UNDECIDED, "requirement_id": "plan", "item_code": "kh", "status": "unverifiable"},
    ],
    breaks=[
        Break(
            "ExpectCompoundColumnsToBeUnique(agency_code,period_start,period_end,requirement_id,item_code)",
            _key("q1"),
            {},
        ),
        Break(
            f"{NN}(agency_code)", f"NULL/{PERIOD}/cchc_reports/x1", {"item_code": "x1", "agency_code": None}
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            f"000.00.04.H35/{PERIOD}/cchc_reports/x2",
            {"item_code": "x2", "agency_code": "000.00.04.H35"},
        ),
        _break(f"{NN}(status)", "x3", status=None),
        _break("ExpectColumnValuesToBeInSet(status)", "x4", status="done"),
        _break(f"{NN}(document_key) {DECIDED}", "x5", document_key=None),
        _break(f"{NN}(promulgation_date) {DECIDED}", "x6", promulgation_date=None),
        _break(
            f"{NULL}(document_key) where status in ['pending', 'unverifiable', 'missing']",
            "x7",
            status="missing",
            promulgation_date=None,
            days_late=None,
        ),
        _break(f"{BETWEEN}(days_late) where status == 'on_time'", "x8", days_late=2),
        _break(f"{BETWEEN}(days_late) where status == 'late'", "x9", status="late", days_late=0),
        _break(
            f"{NN}(deadline_date) where status in ['late', 'pending']",
            "x10",
            status="pending",
            deadline_date=None,
            **_UNDECIDED,
        ),
        _break(
            f"{NN}(coverage_start) where status == 'unverifiable'",
            "x11",
            status="unverifiable",
            coverage_start=None,
            **_UNDECIDED,
        ),
    ],
)

DOCREQ_CASES = [ITEM]
