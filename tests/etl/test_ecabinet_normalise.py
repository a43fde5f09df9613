"""E-CABINET normalisation (sources.md §4, §7) on hand-made records from tests/etl/ecabinet_fixtures.py."""

import logging
import unicodedata
from datetime import date, datetime

from etl.ecabinet.normalise import POLL_MEMBERS, normalise_records
from tests.etl.ecabinet_fixtures import MEETING_DETAIL, MEETING_LIST, POLL, TASK, context, variant


def _one(entity, record, fetch_seq_start=0):
    return normalise_records(entity, [("loc#0", record)], context(), fetch_seq_start)


def test_a_meeting_detail_is_staged_with_counts_of_its_arrays():
    batch = _one("cuoc-hop", MEETING_DETAIL)

    assert batch.quarantine.num_rows == 0
    row = batch.rows.to_pylist()[0]
    assert row["meeting_code"] == "CH-2025-0142"
    assert row["starts_at"] == datetime(2025, 10, 28, 8, 0)
    assert row["updated_at"] == datetime(2025, 10, 28, 16, 20, 5, 412000)
    assert row["chair_member_id"] == "TV-000001"
    assert row["status"] == "đã kết thúc"
    # One agenda item, one electronic document, three attendees of whom two attended (coMat true).
    assert (row["agenda_item_count"], row["document_count"], row["paper_document_count"]) == (1, 1, 0)
    assert (row["attendee_count"], row["attended_count"]) == (3, 2)
    assert row["detail_fetched"] is True
    assert row["reported_paperless"] is True and row["is_paperless"] is True
    assert row["cancel_reason"] is None


def test_q19_a_paper_document_makes_the_meeting_not_paperless_and_is_logged(caplog):
    documents = [*MEETING_DETAIL["taiLieu"], {**MEETING_DETAIL["taiLieu"][0], "ma": "TL-2", "kenh": "Giấy"}]
    with caplog.at_level(logging.WARNING, logger="etl.ecabinet.normalise"):
        batch = _one("cuoc-hop", variant(MEETING_DETAIL, taiLieu=documents))

    row = batch.rows.to_pylist()[0]
    assert (row["document_count"], row["paper_document_count"]) == (2, 1)
    assert row["reported_paperless"] is True
    assert row["is_paperless"] is False
    assert "CH-2025-0142" in caplog.text


def test_a_meeting_from_the_list_alone_keeps_its_flag_and_has_no_counts():
    row = _one("cuoc-hop", MEETING_LIST).rows.to_pylist()[0]

    assert row["detail_fetched"] is False
    assert row["is_paperless"] is True
    assert row["document_count"] is None and row["attendee_count"] is None


def test_quirks_q1_q2_q4_q16_are_normalised():
    record = variant(
        MEETING_DETAIL,
        trangThai=unicodedata.normalize("NFD", "ĐÃ KẾT THÚC"),  # Q2 and Q4
        thoiGianBatDau="2025-10-28T01:00:00Z",  # Q16: UTC, 08:00 local
        thoiGianCapNhat="2025-10-28T16:20:05.412",  # Q16: no offset means +07:00
        lyDoHuy="",  # Q1
    )
    row = _one("cuoc-hop", record).rows.to_pylist()[0]

    assert row["status"] == "đã kết thúc"
    assert row["starts_at"] == datetime(2025, 10, 28, 8, 0)
    assert row["updated_at"] == datetime(2025, 10, 28, 16, 20, 5, 412000)
    assert row["cancel_reason"] is None


def test_an_unknown_meeting_status_is_quarantined_as_unknown_code():
    batch = _one("cuoc-hop", variant(MEETING_DETAIL, trangThai="tạm hoãn"))

    assert batch.rows.num_rows == 0
    q = batch.quarantine.to_pylist()[0]
    assert (q["record_key"], q["field"], q["reason_code"]) == ("CH-2025-0142", "trangThai", "unknown_code")
    assert "trangThai" in q["detail"]


def test_poll_members_become_child_rows_of_their_poll():
    batch = _one("phieu-lay-y-kien", POLL, fetch_seq_start=7)

    poll = batch.rows.to_pylist()[0]
    assert (poll["poll_code"], poll["member_count"], poll["_fetch_seq"]) == ("PLYK-2025-0031", 3, 7)
    assert poll["answer_due_at"] == datetime(2025, 5, 8, 17, 0)
    members = batch.children[POLL_MEMBERS].to_pylist()
    assert [(m["_parent_key"], m["_parent_fetch_seq"], m["member_id"]) for m in members] == [
        ("PLYK-2025-0031", 7, "TV-000001"),
        ("PLYK-2025-0031", 7, "TV-000002"),
        ("PLYK-2025-0031", 7, "TV-000003"),
    ]
    assert [m["choice"] for m in members] == ["đồng ý", "ý kiến khác", "chưa trả lời"]
    assert members[1]["answered_at"] == datetime(2025, 5, 9, 9, 0)
    assert members[2]["answered_at"] is None
    assert [m["is_signed"] for m in members] == [True, False, False]


def test_a_bad_member_entry_is_quarantined_alone_and_the_poll_loads():
    members = [dict(m) for m in POLL["thanhVien"]]
    members[1]["luaChon"] = "phản đối"
    batch = _one("phieu-lay-y-kien", variant(POLL, thanhVien=members))

    assert batch.rows.column("member_count").to_pylist() == [2]
    assert [m["member_id"] for m in batch.children[POLL_MEMBERS].to_pylist()] == ["TV-000001", "TV-000003"]
    q = batch.quarantine.to_pylist()
    assert [(r["field"], r["reason_code"], r["locator"]) for r in q] == [
        ("thanhVien[1].luaChon", "unknown_code", "loc#0/thanhVien[1]")
    ]


def test_a_task_maps_an_old_format_agency_code_and_parses_its_dates():
    row = _one("nhiem-vu", TASK).rows.to_pylist()[0]

    assert row["agency_code"] == "H35.02"  # Q5: 000.00.02.H35
    assert (row["assigned_on"], row["due_on"], row["completed_on"]) == (
        date(2025, 10, 28),
        date(2025, 11, 15),
        date(2025, 11, 14),
    )
    assert row["source_kind"] == "cuộc họp"
    assert (row["source_code"], row["status"]) == ("CH-2025-0142", "hoàn thành")


def test_a_task_of_an_unknown_agency_is_quarantined():
    batch = _one("nhiem-vu", variant(TASK, maDonViChuTri="H99.01"))

    assert batch.rows.num_rows == 0
    assert batch.quarantine.column("reason_code").to_pylist() == ["unknown_agency"]


def test_a_bad_date_is_quarantined_as_bad_format():
    batch = _one("nhiem-vu", variant(TASK, hanHoanThanh="15/11/2025"))

    assert [(q["field"], q["reason_code"]) for q in batch.quarantine.to_pylist()] == [
        ("hanHoanThanh", "bad_format")
    ]


def test_unknown_fields_are_kept_in_raw_and_counted_as_drift():
    batch = _one("nhiem-vu", variant(TASK, _ext={"v": 2}))

    assert batch.raw.column("_drift_fields").to_pylist() == ["_ext"]
    assert batch.rows.num_rows == 1
