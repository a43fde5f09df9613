"""The E-CABINET oracle on a hand-built fixture; every expected number is worked out in the comments.

Year 2025, owner H35.01 (given in the old format, 000.00.01.H35, to show it is mapped).
"""

from datetime import datetime
from decimal import Decimal

from tests.e2e.ecabinet_oracle import ecabinet_metrics

AGENCIES = [
    {"MaDinhDanh": code, "MaDinhDanhCu": old, "LoaiDonVi": kind, "NgayHieuLuc": "", "NgayHetHieuLuc": until}
    for code, old, kind, until in [
        ("H35", "000.00.00.H35", "ubnd-tinh", ""),
        ("H35.01", "000.00.01.H35", "so-ban-nganh", ""),
        ("H35.02", "000.00.02.H35", "so-ban-nganh", ""),
        ("H35.03", "000.00.03.H35", "so-ban-nganh", ""),
        ("H35.30", "000.00.30.H35", "quan-huyen", "20240630235959"),  # gone before 2025: no rows
    ]
]


def meeting(
    ma, start, status="đã kết thúc", paperless=True, channels=None, version="2025-12-01T00:00:00+07:00"
):
    record = {"ma": ma, "thoiGianBatDau": start, "trangThai": status, "khongGiay": paperless}
    record["thoiGianCapNhat"] = version
    if channels is not None:
        record["taiLieu"] = [{"ma": f"TL-{i}", "kenh": kenh} for i, kenh in enumerate(channels)]
    return record


MEETINGS = [
    meeting("CH-1", "2025-03-01T08:00:00+07:00"),  # paperless
    meeting("CH-2", "2025-03-02T08:00:00+07:00", channels=["điện tử", "Giấy"]),  # Q19: not paperless
    meeting("CH-3", "2025-03-03T08:00:00+07:00", status="ĐÃ HỦY"),  # cancelled: out
    meeting("CH-4", "2024-12-31T16:59:59Z"),  # 23:59:59 local on 31/12/2024: out
    meeting("CH-5", "2025-12-31T23:00:00", paperless=False),  # no offset = local, in P, not paperless
    # CH-1 again in an older version, cancelled then: the latest version wins.
    meeting("CH-1", "2025-03-01T08:00:00+07:00", status="đã hủy", version="2025-01-01T00:00:00+07:00"),
]
POLLS = [
    {
        "ma": "PLYK-1",
        "ngayGui": "2025-05-05T08:00:00+07:00",
        "hanTraLoi": "2025-05-08T17:00:00+07:00",
        "trangThai": "đã kết thúc",
        "thoiGianCapNhat": "2025-05-09T00:00:00+07:00",
        "thanhVien": [
            {"luaChon": "đồng ý", "thoiDiemTraLoi": "2025-05-08T17:00:00+07:00"},  # on the deadline: yes
            {"luaChon": "không đồng ý", "thoiDiemTraLoi": "2025-05-08T10:00:01Z"},  # 17:00:01 local: late
            {"luaChon": "chưa trả lời", "thoiDiemTraLoi": None},  # no answer
        ],
    },
    {
        "ma": "PLYK-2",
        "ngayGui": "2025-06-05T08:00:00+07:00",
        "hanTraLoi": "2025-06-08T17:00:00+07:00",
        "trangThai": "đã hủy",
        "thoiGianCapNhat": "2025-06-09T00:00:00+07:00",
        "thanhVien": [{"luaChon": "đồng ý", "thoiDiemTraLoi": "2025-06-06T08:00:00+07:00"}],  # cancelled: out
    },
]


def task(ma, agency, due, done):
    return {
        "ma": ma,
        "maDonViChuTri": agency,
        "hanHoanThanh": due,
        "ngayHoanThanh": done,
        "thoiGianCapNhat": "2025-12-01T00:00:00+07:00",
    }


TASKS = [
    task("NV-1", "H35.02", "2025-11-15", "2025-11-14"),  # on time
    task("NV-2", "000.00.02.H35", "2025-06-30", "2025-07-02"),  # late (old code format)
    task("NV-3", "H35.02", "2025-03-01", None),  # open, overdue: late
    task("NV-4", "H35.02", "2026-01-10", None),  # due outside P: out
    task("NV-5", "H35.02", None, None),  # no deadline: out
    task("NV-6", "H35.02", "2025-04-01", "2025-04-01"),  # quarantined in the test below: out
]


def test_every_metric_of_every_assessed_agency():
    result = ecabinet_metrics(
        MEETINGS,
        POLLS,
        TASKS,
        AGENCIES,
        "000.00.01.H35",
        2025,
        datetime(2026, 1, 2),
        excluded={"nhiem-vu": {"NV-6"}},
    )

    assert result == {
        # CH-1 paperless, CH-2 and CH-5 not; CH-3 cancelled, CH-4 in 2024.
        ("H35.01", "ecabinet.paperless_rate"): (1, 3, Decimal("0.3333")),
        # PLYK-1: one of three members answered by the deadline; PLYK-2 cancelled.
        ("H35.01", "ecabinet.poll_response_rate"): (1, 3, Decimal("0.3333")),
        ("H35.01", "ecabinet.task_on_time_rate"): (0, 0, None),
        ("H35.02", "ecabinet.paperless_rate"): (0, 0, None),
        ("H35.02", "ecabinet.poll_response_rate"): (0, 0, None),
        # NV-1 on time; NV-2 and NV-3 late.
        ("H35.02", "ecabinet.task_on_time_rate"): (1, 3, Decimal("0.3333")),
        ("H35.03", "ecabinet.paperless_rate"): (None, None, None),
        ("H35.03", "ecabinet.poll_response_rate"): (None, None, None),
        ("H35.03", "ecabinet.task_on_time_rate"): (None, None, None),
    }


def test_an_open_task_due_today_leaves_the_year_in_progress():
    as_of_noon = datetime(2025, 3, 1, 12)  # NV-3 is due today and still open: not yet late
    result = ecabinet_metrics([], [], TASKS[:3], AGENCIES, "H35.01", 2025, as_of_noon)
    # NV-1 and NV-2 are completed (their dates come from the data), NV-3 leaves both counts.
    assert result[("H35.02", "ecabinet.task_on_time_rate")] == (1, 2, Decimal("0.5"))
