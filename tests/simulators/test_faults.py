"""Fault injection over real HTTP (sources.md §6): every kind happens, never twice in a row."""

import threading
import time
from collections import Counter

import pytest
import requests

from simulators import Simulation, SimulatorServer
from simulators.http.faults import TOKEN_FAULTS, FaultInjector

from .http_client import token

# Long enough that no ordinary answer takes as long, even on a busy machine.
HOLD_S = 0.8
DVC_FAULTS = {
    "http_5xx",
    "soft_error",
    "timeout",
    "conn_reset",
    "truncated_body",
    "rate_limit",
    "token_expiry",
    "duplicate_rows",
    "page_shift",
    "schema_drift",
}
# The fields of a dossier record (sources.md §2.6); anything else in an answer is schema drift.
DOSSIER_FIELDS = {
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "KenhThucHien", "MucDo", "LoaiDoiTuong", "ChuHoSo",
    "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChiChuHoSo", "TrichYeuHoSo", "NgayNopHoSo", "NgayTiepNhan",
    "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "TrangThaiHoSo", "MaDonViXuLy",
    "HoSoCoThanhPhanSoHoa", "DuocThanhToanTrucTuyen", "CoPhiLePhi", "TaiKhoanDuocXacThucVoiVNeID",
    "TaiLieuNop", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua", "NgayCapNhat",
}  # fmt: skip


@pytest.fixture
def fresh_simulation():
    """page_shift moves records for good, so these tests get their own simulation."""
    return Simulation(scale="small", year=2025, seed=0)


def timed_answer(send) -> tuple[str | None, requests.Response | None, dict | None, float]:
    """(fault, answer, JSON body, seconds taken) of one request; the fault is named only when the
    connection broke (truncated_body, conn_reset), and then there is no answer."""
    started = time.perf_counter()
    try:
        answer = send()
        body = answer.json()
    except requests.exceptions.ChunkedEncodingError:
        return "truncated_body", None, None, time.perf_counter() - started
    except requests.exceptions.ConnectionError:
        return "conn_reset", None, None, time.perf_counter() - started
    return None, answer, body, time.perf_counter() - started


def classify(send, page_size: int, previous_total: int | None) -> tuple[str | None, int | None]:
    """The fault an answer shows, from the client's side only, and the window total it reported."""
    broken, answer, body, seconds = timed_answer(send)
    if broken:
        return broken, previous_total
    if seconds >= HOLD_S:
        return "timeout", body.get("total", previous_total)
    if answer.status_code >= 500:
        return "http_5xx", previous_total
    if answer.status_code in (401, 429):
        return {401: "token_expiry", 429: "rate_limit"}[answer.status_code], previous_total
    if body["error_code"] != "0":
        return "soft_error", previous_total
    if any(set(record) - DOSSIER_FIELDS for record in body["data"]):
        return "schema_drift", body["total"]
    if len(body["data"]) > page_size:
        return "duplicate_rows", body["total"]
    if previous_total is not None and body["total"] < previous_total:
        return "page_shift", body["total"]
    return None, body["total"]


def test_every_kind_is_injected_and_seen_by_the_client(fresh_simulation):
    params = {"tuNgay": "20250101000000", "denNgay": "20250630235959", "page": 2, "pageSize": 50}
    with SimulatorServer(fresh_simulation, faults=1.0, fault_seed=7, timeout_hold_s=HOLD_S) as server:
        headers = {"Authorization": f"Bearer {_token_despite_faults(server.env)}"}
        endpoint = server.env["PARINDEX_DVC_URL"] + "/api/v1/ho-so"
        observed, total = [], None
        for _ in range(160):
            kind, total = classify(
                lambda: requests.get(endpoint, params=params, headers=headers, timeout=10), 50, total
            )
            observed.append(kind)
        injected = [kind for request, kind in server.fault_history if request[2].endswith("/ho-so")]
    assert set(injected) - {None} == DVC_FAULTS
    # The client sees exactly what was injected, attempt by attempt; a held answer still arrives.
    assert observed == injected
    # At rate 1 every other attempt is faulted: the retry after a faulted attempt always gets through.
    assert injected[1::2] == [None] * 80 and None not in injected[0::2]


def test_never_two_faulted_attempts_of_the_same_request_in_a_row(fresh_simulation):
    with SimulatorServer(fresh_simulation, faults=0.6, fault_seed=3, timeout_hold_s=0.05) as server:
        headers = {"Authorization": f"Bearer {_token_despite_faults(server.env)}"}
        endpoint = server.env["PARINDEX_DVC_URL"] + "/api/v1/"
        for attempt in range(120):
            resource = ("thu-tuc", "don-vi", "pakn")[attempt % 3]
            try:
                requests.get(endpoint + resource, params={"pageSize": 10}, headers=headers, timeout=5)
            except requests.exceptions.RequestException:
                pass
        history = server.fault_history
    faulted_before: dict[tuple, bool] = {}
    for request, kind in history:
        assert not (faulted_before.get(request) and kind), request
        faulted_before[request] = kind is not None
    assert Counter(kind is not None for _, kind in history)[True] > 30


def test_the_clean_attempts_serve_the_same_bytes_as_a_fault_free_server(fresh_simulation):
    params = {"page": 1, "pageSize": 40}
    with SimulatorServer(fresh_simulation) as clean:
        headers = {"Authorization": f"Bearer {token(clean.env)}"}
        reference = requests.get(
            clean.env["PARINDEX_DVC_URL"] + "/api/v1/thu-tuc", params=params, headers=headers
        )
    with SimulatorServer(fresh_simulation, faults=1.0, fault_seed=11, timeout_hold_s=0.05) as faulty:
        headers = {"Authorization": f"Bearer {_token_despite_faults(faulty.env)}"}
        bodies = []
        for _ in range(12):
            try:
                answer = requests.get(
                    faulty.env["PARINDEX_DVC_URL"] + "/api/v1/thu-tuc",
                    params=params,
                    headers=headers,
                    timeout=5,
                )
                bodies.append(answer.content)
            except requests.exceptions.RequestException:
                bodies.append(None)
    assert bodies[1::2] == [reference.content] * 6


def test_page_shift_never_touches_a_window_after_as_of(fresh_simulation):
    with SimulatorServer(fresh_simulation, faults=1.0, fault_seed=5, timeout_hold_s=0.05) as server:
        headers = {"Authorization": f"Bearer {_token_despite_faults(server.env)}"}
        endpoint = server.env["PARINDEX_DVC_URL"] + "/api/v1/danh-gia"
        # Windows from the start of the period: page shifts move records to the wall clock ...
        for _ in range(60):
            try:
                requests.get(endpoint, params={"tuNgay": "20241201000000"}, headers=headers, timeout=5)
            except requests.exceptions.RequestException:
                pass
        moved_at = fresh_simulation.view("danh-gia")[1].max()
        assert moved_at > fresh_simulation.as_of_seconds
        # ... into a window that starts after as_of, which holds them but is never shifted itself.
        late_window = {"tuNgay": "20260101000000"}
        for _ in range(60):
            try:
                requests.get(endpoint, params=late_window, headers=headers, timeout=5)
            except requests.exceptions.RequestException:
                pass
        history = server.fault_history
    early = [kind for request, kind in history if "20241201000000" in request[3]]
    late = [kind for request, kind in history if "20260101000000" in request[3]]
    assert "page_shift" in early
    assert late and "page_shift" not in late


def test_token_endpoint_faults_then_a_valid_token(fresh_simulation):
    with SimulatorServer(fresh_simulation, faults=1.0, fault_seed=2, timeout_hold_s=0.05) as server:
        issued = _token_despite_faults(server.env)
        answer = requests.get(
            server.env["PARINDEX_DVC_URL"] + "/api/v1/don-vi", headers={"Authorization": f"Bearer {issued}"}
        )
        history = [kind for request, kind in server.fault_history if request[2] == "/dvc/oauth2/token"]
    assert history[0] in TOKEN_FAULTS and history[1] is None
    assert answer.status_code in (200, 401, 429, 500, 502, 503, 504)


def test_stop_releases_held_responses(fresh_simulation):
    seed = next(s for s in range(200) if FaultInjector(1.0, s).draw(("c",), TOKEN_FAULTS) == "timeout")
    server = SimulatorServer(fresh_simulation, faults=1.0, fault_seed=seed, timeout_hold_s=60).start()
    outcome = {}

    def request_token():
        started = time.perf_counter()
        try:
            token(server.env)
        except requests.exceptions.RequestException:
            pass
        outcome["seconds"] = time.perf_counter() - started

    waiting = threading.Thread(target=request_token)
    waiting.start()
    time.sleep(0.3)
    server.stop()
    waiting.join(10)
    assert outcome["seconds"] < 5


def _token_despite_faults(env: dict) -> str:
    """The token endpoint is faulted too; the attempt after a faulted one always succeeds."""
    for _ in range(2):
        try:
            return token(env)
        except requests.exceptions.RequestException:
            continue
    raise AssertionError("two faulted attempts in a row at the token endpoint")
