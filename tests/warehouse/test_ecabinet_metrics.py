"""E-CABINET staging → marts → metric values (metrics.md §0, §3) on a hand-made fixture, on both warehouses.

Fixture (year 2025, owner H35.01):
- meetings: CH-1 paperless; CH-2 flagged khongGiay but with a paper document (Q19: not paperless);
  CH-3 cancelled (left out); CH-4 started 20/12/2024 (outside P) → paperless 1 / 2.
- polls: PLYK-1 with three members (on time, after the deadline, no answer) → 1 / 3; PLYK-2 cancelled with
  its three members (left out).
- tasks of H35.02: due 15/11 done 14/11 (on time), due 30/06 done 02/07 (late), due 01/03 open (late),
  due 10/01/2026 (outside P) → 1 / 3; of H35.51: due 01/04 done 01/04 → 1 / 1.
  NV-7 has a deadline in the wrong format: quarantined (bad_format), counted in dd_quarantine_count.
- H35.03 is neither the owner nor has a task: every E-CABINET metric undefined.
"""

from datetime import datetime
from decimal import Decimal

import pytest

from etl.ecabinet.normalise import normalise_records
from tests.etl.ecabinet_fixtures import MEETING_DETAIL, POLL, TASK, context, variant
from tests.warehouse.conftest import rows, year_period
from warehouse import reference
from warehouse.ecabinet import meetings_with_detail, store_owner
from warehouse.landing import land_batch
from warehouse.metric_values import compute_metrics
from warehouse.models import run_models

NOW = datetime(2026, 1, 2, 8, 0)
AGENCIES = [
    {"agency_code": code, "old_code": old, "agency_name": code, "unit_type": kind, "parent_code": None}
    for code, old, kind in [
        ("H35", "000.00.00.H35", "ubnd-tinh"),
        ("H35.01", "000.00.01.H35", "so-ban-nganh"),
        ("H35.02", "000.00.02.H35", "so-ban-nganh"),
        ("H35.03", "000.00.03.H35", "so-ban-nganh"),
        ("H35.51", "000.00.51.H35", "xa-phuong"),
    ]
]


def _meetings():
    paper = {**MEETING_DETAIL["taiLieu"][0], "ma": "TL-2", "kenh": "giấy"}
    return [
        variant(MEETING_DETAIL, ma="CH-1"),
        variant(MEETING_DETAIL, ma="CH-2", taiLieu=[*MEETING_DETAIL["taiLieu"], paper]),
        variant(MEETING_DETAIL, ma="CH-3", trangThai="đã hủy", lyDoHuy="Thay đổi lịch"),
        variant(MEETING_DETAIL, ma="CH-4", thoiGianBatDau="2024-12-20T08:00:00+07:00"),
    ]


def _tasks():
    return [
        variant(TASK, ma="NV-1", maNguon="CH-1"),
        variant(TASK, ma="NV-2", hanHoanThanh="2025-06-30", ngayHoanThanh="2025-07-02"),
        variant(TASK, ma="NV-3", hanHoanThanh="2025-03-01", ngayHoanThanh=None, trangThai="đang thực hiện"),
        variant(TASK, ma="NV-4", hanHoanThanh="2026-01-10", ngayHoanThanh=None, trangThai="đang thực hiện"),
        variant(
            TASK,
            ma="NV-5",
            maNguon="CH-404",
            maDonViChuTri="H35.51",
            hanHoanThanh="2025-04-01",
            ngayHoanThanh="2025-04-01",
        ),
        variant(TASK, ma="NV-7", hanHoanThanh="15/11/2025"),
    ]


def _land(engine, entity, records, batch_id):
    items = [(f"{entity}#{i}", r) for i, r in enumerate(records)]
    batch = normalise_records(entity, items, context())
    land_batch(
        engine, batch_id, NOW, "ecabinet", entity, batch.raw, batch.rows, batch.quarantine, batch.children
    )


@pytest.fixture
def loaded(engine):
    reference.load_agency_config(engine, AGENCIES)
    store_owner(engine, "H35.01", NOW)
    _land(engine, "cuoc-hop", _meetings(), "b-meetings")
    _land(engine, "phieu-lay-y-kien", [POLL, variant(POLL, ma="PLYK-2", trangThai="đã hủy")], "b-polls")
    _land(engine, "nhiem-vu", _tasks(), "b-tasks")
    run_models(engine)
    compute_metrics(engine, 2025, datetime(2026, 1, 1), NOW)
    return engine


def test_every_ecabinet_metric_of_every_assessed_agency(loaded):
    values = {
        (agency, metric): (numerator, denominator, None if value is None else Decimal(value))
        for agency, metric, numerator, denominator, value in rows(
            loaded,
            "SELECT agency_code, metric_code, numerator, denominator, value FROM marts.metric_value "
            f"WHERE metric_code LIKE 'ecabinet.%' AND {year_period(2025)}",
        )
    }
    undefined = (None, None, None)
    assert values == {
        ("H35.01", "ecabinet.paperless_rate"): (1, 2, Decimal("0.5")),
        ("H35.01", "ecabinet.poll_response_rate"): (1, 3, Decimal("0.3333")),
        ("H35.01", "ecabinet.task_on_time_rate"): (0, 0, None),
        ("H35.02", "ecabinet.paperless_rate"): (0, 0, None),
        ("H35.02", "ecabinet.poll_response_rate"): (0, 0, None),
        ("H35.02", "ecabinet.task_on_time_rate"): (1, 3, Decimal("0.3333")),
        ("H35.03", "ecabinet.paperless_rate"): undefined,
        ("H35.03", "ecabinet.poll_response_rate"): undefined,
        ("H35.03", "ecabinet.task_on_time_rate"): undefined,
        ("H35.51", "ecabinet.paperless_rate"): (0, 0, None),
        ("H35.51", "ecabinet.poll_response_rate"): (0, 0, None),
        ("H35.51", "ecabinet.task_on_time_rate"): (1, 1, Decimal("1")),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "SELECT meeting_code, in_numerator FROM marts.dd_ecabinet_paperless_rate"
            " WHERE {period} ORDER BY 1",
            [("CH-1", True), ("CH-2", False)],
        ),
        (
            "SELECT poll_code, member_id, in_numerator FROM marts.dd_ecabinet_poll_response_rate"
            " WHERE {period} ORDER BY 2",
            [
                ("PLYK-2025-0031", "TV-000001", True),
                ("PLYK-2025-0031", "TV-000002", False),
                ("PLYK-2025-0031", "TV-000003", False),
            ],
        ),
        (
            "SELECT agency_code, task_code, in_numerator FROM marts.dd_ecabinet_task_on_time_rate"
            " WHERE {period} ORDER BY 2",
            [
                ("H35.02", "NV-1", True),
                ("H35.02", "NV-2", False),
                ("H35.02", "NV-3", False),
                ("H35.51", "NV-5", True),
            ],
        ),
    ],
)
def test_drill_downs_name_the_records_behind_each_count(loaded, query, expected):
    assert rows(loaded, query.format(period=year_period(2025))) == expected


def test_a_task_naming_an_unknown_meeting_is_kept_and_flagged(loaded):
    assert rows(
        loaded,
        "SELECT task_code, source_found FROM marts.fct_task WHERE task_code IN ('NV-1', 'NV-5') ORDER BY 1",
    ) == [("NV-1", True), ("NV-5", False)]


def test_an_open_task_whose_deadline_day_has_not_ended_leaves_the_year_in_progress(loaded):
    # As of 01/03/2025 at noon NV-3 (due 01/03, open) can still be done on time; as of 02/03 it is late.
    open_task = (
        "SELECT task_code, in_numerator FROM marts.dd_ecabinet_task_on_time_rate WHERE task_code = 'NV-3'"
        f" AND {year_period(2025)}"
    )
    compute_metrics(loaded, 2025, datetime(2025, 3, 1, 12), NOW)
    assert rows(loaded, open_task) == []
    compute_metrics(loaded, 2025, datetime(2025, 3, 2), NOW)
    assert rows(loaded, open_task) == [("NV-3", False)]


def test_meetings_staged_with_their_detail_are_known_by_version(loaded):
    known = meetings_with_detail(loaded)
    assert sorted(known) == ["CH-1", "CH-2", "CH-3", "CH-4"]
    assert known["CH-1"] == datetime(2025, 10, 28, 16, 20, 5, 412000)


def test_marts_hold_no_free_text(loaded):
    columns = {
        name
        for table in ("fct_meeting", "fct_poll_answer", "fct_task")
        for (name,) in rows(
            loaded,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
            f"AND table_name = '{table}'",
        )
    }
    assert not columns & {"title", "cancel_reason", "question", "comment", "content", "location"}


def test_quarantined_tasks_are_counted_for_their_metric_and_agency(loaded):
    assert rows(
        loaded,
        "SELECT metric_code, agency_code, reason_code, n FROM marts.dd_quarantine_count "
        f"WHERE metric_code LIKE 'ecabinet.%' AND {year_period(2025)}",
    ) == [("ecabinet.task_on_time_rate", "H35.02", "bad_format", 1)]
