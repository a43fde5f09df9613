"""Faults of QLVB and E-CABINET over real HTTP (sources.md §6): every kind happens and is seen as such."""

import pytest
import requests

from simulators import Simulation, SimulatorServer

from .test_faults import timed_answer

HOLD_S = 0.8
CREDENTIALS = {
    "PARINDEX_QLVB_API_KEY": "k",
    "PARINDEX_ECABINET_USER": "u",
    "PARINDEX_ECABINET_PASSWORD": "p",
}
DOCUMENT_FIELDS = {
    "id", "direction", "MaDonViQuanLy", "DocumentId", "From", "To", "CodeNumber", "CodeNotation",
    "PromulgationDate", "DocumentType", "Subject", "SignerInfo", "DueDate", "Priority",
    "SphereOfPromulgation", "BussinessDocType", "BussinessDocReason", "ReplacementDocumentIds", "SoDen",
    "NgayDen", "DoMat", "HinhThucGuiNhan", "LienThong", "ChuKySo", "XuLy", "CreatedAt", "ModifiedAt",
}  # fmt: skip
TASK_FIELDS = {
    "ma", "nguon", "maNguon", "noiDung", "maDonViChuTri", "ngayGiao", "hanHoanThanh", "ngayHoanThanh",
    "trangThai", "thoiGianCapNhat",
}  # fmt: skip


@pytest.fixture
def fresh_simulation():
    """page_shift moves records for good, so these tests get their own simulation."""
    return Simulation(scale="small", year=2025, seed=0)


def observe(
    send, fields: set[str], rows: str, limit: int, previous_total: int | None
) -> tuple[str | None, int | None]:
    """The fault an answer shows from the client's side, and the total it reported (E-CABINET)."""
    broken, answer, body, seconds = timed_answer(send)
    if broken:
        return broken, previous_total
    held = seconds >= HOLD_S
    if answer.status_code >= 500:
        return "http_5xx", previous_total
    if answer.status_code == 429:
        return "rate_limit", previous_total
    if answer.status_code == 400:
        assert body["error"]["code"] == "invalid_cursor"
        return "cursor_expired", previous_total
    total = body.get("total", previous_total)
    if held:
        return "timeout", total
    if any(set(record) - fields for record in body[rows]):
        return "schema_drift", total
    if len(body[rows]) > limit:
        return "duplicate_rows", total
    if previous_total is not None and total < previous_total:
        return "page_shift", total
    return None, total


def test_every_qlvb_fault_is_injected_and_seen(fresh_simulation):
    with SimulatorServer(
        fresh_simulation, credentials=CREDENTIALS, faults=1.0, fault_seed=11, timeout_hold_s=HOLD_S
    ) as server:
        endpoint = server.env["PARINDEX_QLVB_URL"] + "/api/documents"
        headers = {"X-API-Key": "k"}
        cursor = None
        while cursor is None:
            answer = requests.get(
                endpoint, params={"direction": "den", "limit": 20}, headers=headers, timeout=10
            )
            cursor = answer.json().get("nextCursor") if answer.status_code == 200 else None
        params = {"direction": "den", "limit": 20, "cursor": cursor}
        observed = [
            observe(
                lambda: requests.get(endpoint, params=params, headers=headers, timeout=10),
                DOCUMENT_FIELDS,
                "data",
                20,
                None,
            )[0]
            for _ in range(90)
        ]
        injected = [
            kind for request, kind in server.fault_history if request[3].endswith(params["cursor"][-8:])
        ]
    assert set(injected) - {None} == {
        "http_5xx", "timeout", "conn_reset", "truncated_body", "rate_limit", "schema_drift", "cursor_expired"
    }  # fmt: skip
    assert observed == injected[-90:]


def test_every_ecabinet_list_fault_is_injected_and_seen(fresh_simulation):
    # A bounded window: records moved by page_shift leave it, so its total drops.
    params = {
        "updatedSince": "2025-01-01T00:00:00+07:00",
        "updatedUntil": "2025-11-30T23:59:59.999+07:00",
        "offset": 20,
        "limit": 20,
    }
    with SimulatorServer(
        fresh_simulation, credentials=CREDENTIALS, faults=1.0, fault_seed=5, timeout_hold_s=HOLD_S
    ) as server:
        endpoint = server.env["PARINDEX_ECABINET_URL"] + "/api/nhiem-vu"
        observed, total = [], None
        for _ in range(100):
            kind, total = observe(
                lambda: requests.get(endpoint, params=params, auth=("u", "p"), timeout=10),
                TASK_FIELDS,
                "items",
                20,
                total,
            )
            observed.append(kind)
        injected = [kind for request, kind in server.fault_history if request[2].endswith("/nhiem-vu")]
    assert set(injected) - {None} == {
        "http_5xx", "timeout", "conn_reset", "truncated_body", "rate_limit", "schema_drift", "duplicate_rows",
        "page_shift",
    }  # fmt: skip
    assert observed == injected


def test_detail_missing_answers_404_for_a_listed_meeting_never_twice_in_a_row(fresh_simulation):
    with SimulatorServer(
        fresh_simulation, credentials=CREDENTIALS, faults=1.0, fault_seed=2, timeout_hold_s=0.05
    ) as server:
        base = server.env["PARINDEX_ECABINET_URL"] + "/api/cuoc-hop/"
        key = fresh_simulation.truth("cuoc-hop")[0]["ma"]
        statuses = []
        for _ in range(60):
            try:
                statuses.append(requests.get(base + key, auth=("u", "p"), timeout=5).status_code)
            except requests.exceptions.RequestException:
                statuses.append(None)
        kinds = [kind for request, kind in server.fault_history if request[2].endswith(key)]
    assert "detail_missing" in kinds
    for position, kind in enumerate(kinds):
        if kind == "detail_missing":
            assert statuses[position] == 404
            assert kinds[position + 1] is None and statuses[position + 1] == 200
