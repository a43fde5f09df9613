"""DVC metrics of a hand-built year, every number worked out below from the fixture.

Agencies: A = H35.01 (so-ban-nganh), B = H35.51 (xa-phuong) with data; C = H35.02 (so-ban-nganh) and
D = H35.30 (quan-huyen, ended 30/6/2025) without data: rows with all three fields empty; H35.31 (quan-huyen,
ended 2024) and H35.01.01 (phong-ban) get no rows. Holidays: 30/4, 1/5, 2/5/2025.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from parindex_facts.metrics import COUNT, MEAN_DAYS, MONTHLY_METRICS, RATE, SATISFACTION, Metric
from tests.e2e.dvc_oracle import DVC_METRICS
from tests.warehouse.batches import land
from tests.warehouse.conftest import rows, year_period
from warehouse.metric_sources import SOURCES
from warehouse.metric_values import Counts, compute_metrics, metric_counts, round_half_up
from warehouse.models import run_models
from warehouse.reference import load_agency_config

A, B, C, D = "H35.01", "H35.51", "H35.02", "H35.30"
IN_PROGRESS = datetime(2025, 7, 1, 0, 0)  # a run on 1 July 2025: the end of P is then, not 1/1/2026
AFTER_YEAR = datetime(2026, 1, 10, 8, 0)  # a run after the year: the end of P is 1/1/2026 00:00
COMPUTED = datetime(2026, 1, 10, 8, 5)
VERSION = datetime(2025, 6, 30, 23, 0)


def ts(month, day, hour=8, year=2025):
    return datetime(year, month, day, hour, 0)


def dossier(
    code, agency, status, received, due, ended=None, *, s=0, channel=1, fee=False, pay=0, dig=False, e=0
):
    return {
        "dossier_code": code,
        "agency_code": agency,
        "status": status,
        "received_at": received,
        "due_at": due,
        "processing_ended_at": ended,
        "supplement_request_count": s,
        "channel": channel,
        "has_fee": fee,
        "online_payment": pay,
        "has_digitised_component": dig,
        "e_result_document_count": e,
        "summary": "Trích yếu có thể nêu tên người",
        "updated_at": VERSION,
    }


DOSSIERS = [
    # A. In R(P) as of 1/7: d1-d9 and d11 (d10 was received in 2024, d16 never accepted).
    dossier("d1", A, 10, ts(2, 3), ts(2, 10), ts(2, 7), channel=2, fee=True, pay=1, dig=True, e=1),  # on time
    dossier("d2", A, 9, ts(3, 3), ts(3, 5, 17), ts(3, 6), fee=True, pay=3),  # late, apology signed in time
    dossier("d3", A, 10, ts(3, 10), ts(3, 20, 17), ts(3, 15), s=2, channel=2, dig=True, e=1),  # S = 2: late
    dossier("d4", A, 8, ts(4, 1), ts(4, 10, 17), ts(4, 8)),  # processing stopped before the due date: on time
    dossier("d5", A, 4, ts(5, 5), ts(6, 20, 17), channel=2, fee=True, pay=2, dig=True),  # open, overdue: late
    dossier("d6", A, 4, ts(6, 10), ts(7, 15, 17)),  # open, due after 1/7: out of T(P) as of 1/7
    dossier("d7", A, 5, ts(4, 20), ts(5, 10, 17), s=1, channel=2, dig=True),  # waiting for the applicant
    dossier("d8", A, 7, ts(2, 10), ts(2, 20), ts(2, 12)),  # withdrawn: in R(P) only
    dossier("d9", A, 10, ts(5, 20), None, ts(5, 25), e=1),  # no due date
    dossier(
        "d10", A, 10, ts(12, 20, year=2024), ts(1, 5, 17), ts(1, 3)
    ),  # received 2024, ended 2025: on time
    dossier("d11", A, 10, ts(6, 25), ts(6, 28, 17), ts(7, 2), channel=2, fee=True),  # ends after 1/7: late
    dossier("d16", A, 1, None, None, channel=2),  # submitted online, never accepted
    # B.
    dossier(
        "d12", B, 10, ts(1, 6), ts(1, 13, 17), ts(1, 10), s=1, channel=3, dig=True, e=1
    ),  # S = 1: on time
    dossier("d13", B, 10, ts(2, 17), ts(2, 24, 17), ts(2, 25)),  # late, apology never signed
    dossier("d14", B, 2, ts(6, 30), ts(7, 5, 17), channel=2),  # open, due after 1/7
    dossier("d15", B, 10, ts(7, 10), ts(7, 20, 17), ts(7, 15), e=1),  # received after 1/7
]


def apology(key, dossier_code, status, signed):
    return {
        "apology_id": key,
        "dossier_code": dossier_code,
        "kind": "Xin lỗi",
        "status": status,
        "signed_at": signed,
        "updated_at": VERSION,
    }


APOLOGIES = [
    apology("a1", "d2", "Đã xử lý", ts(3, 5, 16)),  # signed before d2's due date (5/3 17:00)
    apology("a2", "d3", "Đã xử lý", ts(3, 25, 9)),  # signed after d3's due date
    apology("a3", "d13", "Chờ ký duyệt", None),
]


def rating(dossier_code, value, version=VERSION):
    return {"dossier_code": dossier_code, "rating_kind": "CongDan", "rating": value, "updated_at": version}


def pakn(key, agency, received, answered, status="Đã trả lời", dossier_code=None):
    return {
        "feedback_id": key,
        "agency_code": agency,
        "received_at": received,
        "answered_at": answered,
        "status": status if answered else "Đang xử lý",
        "dossier_code": dossier_code,
        "title": "Tiêu đề có thể nêu tên người",
        "updated_at": VERSION,
    }


FEEDBACK = [
    # Deadline 22/5 (15 working days from 29/4 skipping 30/4-2/5): answered on the last day, on time.
    pakn("p1", A, ts(4, 28, 9), ts(5, 22, 16)),
    # Unanswered; deadline 11/7 (23/6..11/7): ends after 1/7, so out as of 1/7 and late after the year.
    pakn("p2", A, ts(6, 20, 10), None),
    # Deadline 24/3 (4/3..24/3), answered 1/4: late.
    pakn("p3", A, ts(3, 3, 9), ts(4, 1, 9)),
    # A refusal the next day counts as an answer; it names d1 of agency A, which makes d1 dissatisfied.
    pakn("p4", B, ts(2, 18, 9), ts(2, 19, 10), "Từ chối tiếp nhận", "d1"),
]

HOLIDAYS = [
    {"holiday_date": date(2025, 4, 30), "year": 2025, "holiday_name": "Giải phóng", "day_kind": "Nghỉ lễ"},
    {"holiday_date": date(2025, 5, 1), "year": 2025, "holiday_name": "Lao động", "day_kind": "Nghỉ lễ"},
    {"holiday_date": date(2025, 5, 2), "year": 2025, "holiday_name": "Nghỉ bù", "day_kind": "Nghỉ bù"},
    {"holiday_date": date(2026, 1, 1), "year": 2026, "holiday_name": "Tết Dương lịch", "day_kind": "Nghỉ lễ"},
]

AGENCIES = [
    {
        "agency_code": A,
        "old_code": "000.00.01.H35",
        "agency_name": "Văn phòng UBND tỉnh",
        "unit_type": "so-ban-nganh",
    },
    {
        "agency_code": B,
        "old_code": "000.00.51.H35",
        "agency_name": "UBND xã (cấu hình)",
        "unit_type": "xa-phuong",
    },
    {"agency_code": C, "old_code": "000.00.02.H35", "agency_name": "Sở Nội vụ", "unit_type": "so-ban-nganh"},
    {
        "agency_code": D,
        "agency_name": "UBND huyện Tam Đường",
        "unit_type": "quan-huyen",
        "valid_to": datetime(2025, 6, 30, 23, 59, 59),
    },
    {"agency_code": "H35.31", "unit_type": "quan-huyen", "valid_to": datetime(2024, 6, 30, 23, 59, 59)},
    {"agency_code": "H35.01.01", "unit_type": "phong-ban"},
]


@pytest.fixture
def warehouse(engine):
    load_agency_config(engine, AGENCIES)
    land(engine, "don-vi", [{"agency_code": B, "agency_name": "UBND xã Tam Đường", "updated_at": VERSION}])
    land(engine, "ngay-nghi", HOLIDAYS)
    land(
        engine,
        "ho-so",
        DOSSIERS,
        quarantine=[
            {
                "source": "dvc",
                "entity": "ho-so",
                "record_key": "d99",
                "record_version": ts(3, 1),
                "locator": "/api/v1/ho-so?page=3#7",
                "field": "NgayKetThucXuLy",
                "reason_code": "date_order",
                "detail": "Trường NgayKetThucXuLy trước NgayTiepNhan",
                "record": json.dumps({"MaHoSo": "d99", "MaDonViXuLy": "000.00.01.H35"}),
            }
        ],
    )
    land(engine, "phieu-xin-loi", APOLOGIES)
    # d13 was first rated KHÔNG HÀI LÒNG, then re-rated: the latest version (HÀI LÒNG) is its rating.
    land(
        engine,
        "danh-gia",
        [rating("d2", "KHÔNG HÀI LÒNG"), rating("d3", "HÀI LÒNG"), rating("d13", "KHÔNG HÀI LÒNG")],
    )
    land(engine, "danh-gia", [rating("d13", "HÀI LÒNG", datetime(2025, 6, 30, 23, 30))], "batch-2")
    land(engine, "pakn", FEEDBACK)
    run_models(engine)
    return engine


def metric_rows(engine, year=2025):
    """The rows of the whole year's period (month rows have other period dates)."""
    return {
        (agency, metric): (numerator, denominator, value)
        for agency, metric, numerator, denominator, value in rows(
            engine,
            "SELECT agency_code, metric_code, numerator, denominator, value FROM marts.metric_value"
            " WHERE year = :year AND period_start = :start AND period_end = :end",
            year=year,
            start=date(year, 1, 1),
            end=date(year, 12, 31),
        )
    }


def d(text):
    return Decimal(text)


EMPTY = (None, None, None)
YEAR_PERIOD = year_period(2025)
# The DVC metrics of metrics.md §1, whose values this file's hand-counted dossiers fix (the §11.1 ones have
# their own oracle, tests/e2e/test_dvc_portal_oracle.py): the contract's list, as the DVC oracle holds it.
METRICS = list(DVC_METRICS)


def test_the_year_in_progress(warehouse):
    # One row per metric of every registered source for each of the 4 assessed agencies, and one per
    # monthly metric, agency and month from January to June (July starts at as_of; D ends on 30/6).
    # + qlvb.plan_issued, the metric the §2 plan declares without a catalogue (metrics.md §7.6)
    per_agency = sum(len(source.metrics) for source in SOURCES) + 1
    assert compute_metrics(warehouse, 2025, IN_PROGRESS, COMPUTED) == 4 * per_agency + 6 * 4 * len(
        MONTHLY_METRICS
    )
    values = {key: row for key, row in metric_rows(warehouse).items() if key[1] in METRICS}

    assert {agency for agency, _ in values} == {A, B, C, D}
    for agency in (C, D):  # no dossier and no PAKN: undefined, not zero
        assert [values[(agency, metric)] for metric in METRICS] == [EMPTY] * 10
    assert {metric: values[(A, metric)] for metric in METRICS} == {
        # R(P): d1-d9, d11 (d10 received in 2024, d16 status 1).
        "dvc.received": (10, 1, d("10.0000")),
        # T(P): d1, d4 (status 8), d10 on time; d2, d3 (S = 2), d5 (open, overdue), d11 (E after 1/7,
        # due before) late. Out: d6 (due after 1/7), d7 (status 5), d8 (status 7), d9 (no due date).
        "dvc.on_time_rate": (3, 7, d("0.4286")),
        "dvc.no_due_date": (1, 1, d("1.0000")),  # d9
        # Late d2, d3, d5, d11: only d2's apology was signed in time (d3's after its due date).
        "dvc.apology_rate": (1, 4, d("0.2500")),
        "dvc.online_rate": (5, 10, d("0.5000")),  # channel 2: d1, d3, d5, d7, d11
        # With a fee: d1 (paid 1), d5 (paid 2) online; d2 (3), d11 (0) not.
        "dvc.online_payment_rate": (2, 4, d("0.5000")),
        "dvc.digitised_rate": (4, 10, d("0.4000")),  # d1, d3, d5, d7
        # E in P, status 9/10: d1, d3, d9 with an e-result; d2, d10 without; d11 ends after 1/7.
        "dvc.e_result_rate": (3, 5, d("0.6000")),
        # Dissatisfied: d1 (named by p4), d2 (rating). 8/10 - late share 4/7 = 16/70 = 0.22857.
        "dvc.satisfaction_rate": (8, 10, d("0.2286")),
        # p1 on time, p3 late; p2 unanswered with its deadline after 1/7 leaves both.
        "dvc.pakn_on_time_rate": (1, 2, d("0.5000")),
    }
    assert {metric: values[(B, metric)] for metric in METRICS} == {
        "dvc.received": (3, 1, d("3.0000")),  # d12, d13, d14 (d15 received after 1/7)
        "dvc.on_time_rate": (1, 2, d("0.5000")),  # d12 (S = 1) on time, d13 late; d14 due after 1/7
        "dvc.no_due_date": (0, 1, d("0.0000")),
        "dvc.apology_rate": (0, 1, d("0.0000")),  # d13's slip is not signed
        "dvc.online_rate": (1, 3, d("0.3333")),  # d14
        "dvc.online_payment_rate": (0, 0, None),  # no dossier with a fee: value empty
        "dvc.digitised_rate": (1, 3, d("0.3333")),  # d12
        "dvc.e_result_rate": (1, 2, d("0.5000")),  # d12 yes, d13 no
        "dvc.satisfaction_rate": (3, 3, d("0.5000")),  # d13's latest rating is HÀI LÒNG; 3/3 - 1/2
        "dvc.pakn_on_time_rate": (1, 1, d("1.0000")),  # p4, refused the next day
    }
    assert rows(
        warehouse,
        "SELECT year, period_start, period_end, period_end_at, as_of FROM marts.metric_period"
        " ORDER BY period_start, period_end DESC",
    ) == [
        (2025, date(2025, 1, 1), date(2025, 12, 31), IN_PROGRESS, IN_PROGRESS),
        (2025, date(2025, 1, 1), date(2025, 1, 31), datetime(2025, 2, 1), IN_PROGRESS),
        (2025, date(2025, 2, 1), date(2025, 2, 28), datetime(2025, 3, 1), IN_PROGRESS),
        (2025, date(2025, 3, 1), date(2025, 3, 31), datetime(2025, 4, 1), IN_PROGRESS),
        (2025, date(2025, 4, 1), date(2025, 4, 30), datetime(2025, 5, 1), IN_PROGRESS),
        (2025, date(2025, 5, 1), date(2025, 5, 31), datetime(2025, 6, 1), IN_PROGRESS),
        (2025, date(2025, 6, 1), date(2025, 6, 30), IN_PROGRESS, IN_PROGRESS),
    ]


def test_the_closed_year(warehouse):
    compute_metrics(warehouse, 2025, AFTER_YEAR, COMPUTED)
    values = metric_rows(warehouse)

    # T(P) gains d6 (open, due 15/7) and d11 (E = 2/7 now in P), both late: 3/8; late d2, d3, d5, d6, d11.
    assert values[(A, "dvc.on_time_rate")] == (3, 8, d("0.3750"))
    assert values[(A, "dvc.apology_rate")] == (1, 5, d("0.2000"))
    assert values[(A, "dvc.e_result_rate")] == (3, 6, d("0.5000"))  # d11 joins without an e-result
    assert values[(A, "dvc.satisfaction_rate")] == (8, 10, d("0.1750"))  # 8/10 - 5/8
    assert values[(A, "dvc.pakn_on_time_rate")] == (1, 3, d("0.3333"))  # p2 is now overdue
    assert values[(B, "dvc.received")] == (4, 1, d("4.0000"))  # d15
    assert values[(B, "dvc.on_time_rate")] == (2, 4, d("0.5000"))  # + d14 late, d15 on time
    assert rows(
        warehouse,
        "SELECT period_end_at, as_of FROM marts.metric_period"
        " WHERE period_start = '2025-01-01' AND period_end = '2025-12-31'",
    ) == [(datetime(2026, 1, 1), AFTER_YEAR)]


def test_recomputing_a_year_replaces_it(warehouse):
    compute_metrics(warehouse, 2025, IN_PROGRESS, COMPUTED)
    compute_metrics(warehouse, 2025, AFTER_YEAR, COMPUTED)

    # + qlvb.plan_issued, the metric the §2 plan declares without a catalogue (metrics.md §7.6)
    per_agency = sum(len(source.metrics) for source in SOURCES) + 1
    # Months: A, B, C in all 12, D (ended 30/6) in 6.
    assert rows(warehouse, "SELECT COUNT(*), MIN(as_of), MAX(as_of) FROM marts.metric_value") == [
        (4 * per_agency + (3 * 12 + 6) * len(MONTHLY_METRICS), AFTER_YEAR, AFTER_YEAR)
    ]
    assert rows(warehouse, "SELECT COUNT(*) FROM marts.metric_period") == [(13,)]


def test_drill_down_views_list_the_records_behind_the_numbers(warehouse):
    compute_metrics(warehouse, 2025, IN_PROGRESS, COMPUTED)

    assert rows(
        warehouse,
        "SELECT dossier_code, in_numerator FROM marts.dd_dvc_on_time_rate WHERE agency_code = :a"
        f" AND {YEAR_PERIOD} ORDER BY 1",
        a=A,
    ) == [
        ("d1", True),
        ("d10", True),
        ("d11", False),
        ("d2", False),
        ("d3", False),
        ("d4", True),
        ("d5", False),
    ]
    assert rows(
        warehouse,
        "SELECT dossier_code, in_numerator FROM marts.dd_dvc_apology_rate WHERE agency_code = :a"
        f" AND {YEAR_PERIOD} ORDER BY 1",
        a=A,
    ) == [("d11", False), ("d2", True), ("d3", False), ("d5", False)]
    # the date_order dossier names its agency in the old format; it counts against every dossier metric
    assert rows(
        warehouse,
        "SELECT metric_code, agency_code, period_start, reason_code, n FROM marts.dd_quarantine_count"
        f" WHERE metric_code = 'dvc.on_time_rate' AND {YEAR_PERIOD}",
    ) == [("dvc.on_time_rate", A, date(2025, 1, 1), "date_order", 1)]
    assert rows(warehouse, f"SELECT COUNT(*) FROM marts.dd_quarantine_count WHERE {YEAR_PERIOD}") == [(9,)]


def test_dim_agency_prefers_the_served_name(warehouse):
    assert rows(
        warehouse,
        "SELECT agency_code, agency_name, is_assessed, in_config, in_source FROM marts.dim_agency"
        " WHERE agency_code IN (:b, :c, 'H35.01.01') ORDER BY 1",
        b=B,
        c=C,
    ) == [
        ("H35.01.01", None, False, True, False),
        (C, "Sở Nội vụ", True, True, False),
        (B, "UBND xã Tam Đường", True, True, True),
    ]


def test_values_round_half_up_and_satisfaction_never_goes_below_zero():
    assert round_half_up(Fraction(1, 8)) == d("0.1250")
    assert round_half_up(Fraction(5, 100000)) == d("0.0001")  # 0.00005 rounds up, not to even
    assert round_half_up(Fraction(-5, 100000)) == d("-0.0001")
    satisfaction = Metric("dvc.satisfaction_rate", SATISFACTION)
    # 1/2 satisfied, late share 2/2: 1/2 - 1 < 0, so 0
    assert metric_counts(satisfaction, Counts(2, 1), Counts(2, 0)) == (1, 2, d("0.0000"))
    # no T(P): late share 0
    assert metric_counts(satisfaction, Counts(3, 2), Counts(0, 0)) == (2, 3, d("0.6667"))
    assert metric_counts(Metric("dvc.received", COUNT), Counts(0, 0), Counts(0, 0)) == (0, 1, d("0.0000"))
    assert metric_counts(Metric("dvc.online_rate", RATE), Counts(0, 0), Counts(0, 0)) == (0, 0, None)


def test_the_mean_processing_time_is_minutes_over_dossiers_in_days():
    """metrics.md §11.1 dvc.avg_processing_days: Σ minutes ÷ completed dossiers ÷ 1440, half-up."""
    mean = Metric("dvc.avg_processing_days", MEAN_DAYS)
    # 4,680 + 13,080 minutes over 2 dossiers: 17,760 ÷ 2,880 = 6.16666… days.
    assert metric_counts(mean, Counts(2, 2, 17760), Counts(0, 0)) == (17760, 2, d("6.1667"))
    # No completed dossier: an empty value, not 0 days.
    assert metric_counts(mean, Counts(0, 0, 0), Counts(0, 0)) == (0, 0, None)


def month_rows(engine, metric, agency):
    """(period_start, numerator, denominator, value) of the metric's month rows, in month order."""
    return rows(
        engine,
        "SELECT period_start, numerator, denominator, value FROM marts.metric_value"
        " WHERE metric_code = :m AND agency_code = :a AND NOT (period_start = DATE '2025-01-01'"
        " AND period_end = DATE '2025-12-31') ORDER BY period_start",
        m=metric,
        a=agency,
    )


def test_a_month_worked_out_from_the_dossiers(warehouse):
    compute_metrics(warehouse, 2025, IN_PROGRESS, COMPUTED)

    # March for A: received d2 (channel 1) and d3 (channel 2, digitised); T(March) = d2 (E 6/3, after its
    # due date) and d3 (S = 2), both late; nothing open and overdue on 1/4 (d4 received that day).
    march = "AND period_start = DATE '2025-03-01' AND period_end = DATE '2025-03-31'"
    assert rows(
        warehouse,
        "SELECT metric_code, numerator, denominator, value FROM marts.metric_value WHERE agency_code = :a"
        f" AND metric_code IN ('dvc.online_rate', 'dvc.digitised_rate', 'dvc.on_time_rate') {march}"
        " ORDER BY metric_code",
        a=A,
    ) == [
        ("dvc.digitised_rate", 1, 2, d("0.5000")),
        ("dvc.on_time_rate", 0, 2, d("0.0000")),
        ("dvc.online_rate", 1, 2, d("0.5000")),
    ]
    # The month's counts are the drill-down's rows of the month.
    assert rows(
        warehouse,
        f"SELECT dossier_code, in_numerator FROM marts.dd_dvc_on_time_rate WHERE agency_code = :a {march}"
        " ORDER BY 1",
        a=A,
    ) == [("d2", False), ("d3", False)]
    # June ends at as_of (1/7 00:00): d5 open and overdue, d11 due 28/6 and ended 2/7, both late; July
    # starts at as_of and has no row. May has no case: its value is empty.
    assert month_rows(warehouse, "dvc.on_time_rate", A)[4:] == [
        (date(2025, 5, 1), 0, 0, None),
        (date(2025, 6, 1), 0, 2, d("0.0000")),
    ]
    # C has no DVC data: its months are undefined as its year is.
    assert {row[1:] for row in month_rows(warehouse, "dvc.online_rate", C)} == {EMPTY}
    # Metrics outside MONTHLY_METRICS keep their year row only.
    assert month_rows(warehouse, "dvc.received", A) == []


def test_months_add_up_to_the_year(warehouse):
    compute_metrics(warehouse, 2025, AFTER_YEAR, COMPUTED)
    year = metric_rows(warehouse)

    # R(P) is partitioned by the month of NgayTiepNhan: the months' counts sum to the year's.
    for metric in ("dvc.online_rate", "dvc.digitised_rate"):
        for agency in (A, B):
            months = month_rows(warehouse, metric, agency)
            assert len(months) == 12
            assert (sum(m[1] for m in months), sum(m[2] for m in months)) == year[(agency, metric)][:2]
    # T(P) is not additive: a dossier still open and overdue at the end of a month is late in that month
    # and again in each later month until it ends. On-time dossiers have E in exactly one month, so the
    # numerators add up. A: d5 (due 20/6, never ended) is in June to December, 6 times more than once;
    # d6 (due 15/7) in July to December, 5 more; d11 (due 28/6, ended 2/7) in June and July, 1 more: the
    # months' denominators sum to the year's 8 + 12.
    months = month_rows(warehouse, "dvc.on_time_rate", A)
    assert sum(m[1] for m in months) == year[(A, "dvc.on_time_rate")][0] == 3
    assert sum(m[2] for m in months) == year[(A, "dvc.on_time_rate")][1] + 12 == 20
