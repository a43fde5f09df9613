"""The DVC API over real HTTP (sources.md §2.1–2.3, §1.8 G1/G4): auth, envelope, errors, windows, order."""

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from simulators import Simulation, SimulatorServer

from .http_client import authorised_session, token

CREDENTIALS = {
    "PARINDEX_DVC_CLIENT_ID": "client-under-test",
    "PARINDEX_DVC_CLIENT_SECRET": "s3cret-under-test",
}


@pytest.fixture(scope="module")
def server(simulation):
    with SimulatorServer(simulation, credentials=CREDENTIALS) as running:
        yield running


@pytest.fixture(scope="module")
def session(server):
    with authorised_session(server.env) as opened:
        yield opened


def url(server, resource: str) -> str:
    return f"{server.env['PARINDEX_DVC_URL']}/api/v1/{resource}"


def read_window(session, server, resource: str, params: dict) -> tuple[list[dict], set[int]]:
    records, totals, page = [], set(), 1
    while True:
        body = session.get(url(server, resource), params={**params, "page": page}, timeout=10).json()
        totals.add(body["total"])
        if not body["data"]:
            return records, totals
        records += body["data"]
        page += 1


def test_env_names_the_base_url_and_the_given_credentials(server):
    assert server.base_url.startswith("http://127.0.0.1:")
    dvc = {name: value for name, value in server.env.items() if name.startswith("PARINDEX_DVC_")}
    assert dvc == {"PARINDEX_DVC_URL": server.base_url + "/dvc", **CREDENTIALS}
    assert server.env["PARINDEX_QLVB_URL"] == server.base_url + "/qlvb"
    assert server.env["PARINDEX_ECABINET_URL"] == server.base_url + "/ecabinet"
    # Folders are named only once the simulation has written its files.
    assert "PARINDEX_HR_DIR" not in server.env


def test_credentials_from_the_environment_else_random(simulation, monkeypatch):
    monkeypatch.setenv("PARINDEX_DVC_CLIENT_ID", "from-env")
    monkeypatch.setenv("PARINDEX_DVC_CLIENT_SECRET", "env-secret")
    assert SimulatorServer(simulation).env["PARINDEX_DVC_CLIENT_ID"] == "from-env"
    monkeypatch.delenv("PARINDEX_DVC_CLIENT_ID")
    monkeypatch.delenv("PARINDEX_DVC_CLIENT_SECRET")
    first, second = SimulatorServer(simulation).env, SimulatorServer(simulation).env
    assert first["PARINDEX_DVC_CLIENT_SECRET"] != second["PARINDEX_DVC_CLIENT_SECRET"]


def test_token_response_and_its_errors(server):
    endpoint = server.env["PARINDEX_DVC_URL"] + "/oauth2/token"
    good = {
        "grant_type": "client_credentials",
        **dict(zip(("client_id", "client_secret"), CREDENTIALS.values(), strict=True)),
    }
    answer = requests.post(endpoint, data=good, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["token_type"] == "Bearer" and answer.json()["expires_in"] == 300
    cases = [
        ({k: v for k, v in good.items() if k != "grant_type"}, 400, "invalid_request"),
        ({**good, "grant_type": "password"}, 400, "unsupported_grant_type"),
        ({k: v for k, v in good.items() if k != "client_secret"}, 400, "invalid_request"),
        ({**good, "client_secret": "wrong"}, 401, "invalid_client"),
        ({**good, "client_id": "someone-else"}, 401, "invalid_client"),
    ]
    for form, status, error in cases:
        answer = requests.post(endpoint, data=form, timeout=10)
        assert (answer.status_code, answer.json()["error"]) == (status, error), form
        assert answer.json()["error_description"]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_api_rejects_missing_or_invalid_tokens(server, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answer = requests.get(url(server, "ho-so"), headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert answer.json() == {"error_code": "401", "message": "Token không hợp lệ hoặc đã hết hạn"}


def test_tokens_expire_after_their_lifetime(simulation):
    with SimulatorServer(simulation, token_ttl_s=1) as short_lived:
        headers = {"Authorization": f"Bearer {token(short_lived.env)}"}
        assert requests.get(url(short_lived, "don-vi"), headers=headers, timeout=10).status_code == 200
        time.sleep(1.1)
        assert requests.get(url(short_lived, "don-vi"), headers=headers, timeout=10).status_code == 401


def test_envelope_and_content_length(session, server, simulation):
    answer = session.get(url(server, "thu-tuc"), params={"pageSize": 7, "page": 2}, timeout=10)
    body = answer.json()
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert {k: body[k] for k in ("error_code", "message", "page", "pageSize", "total")} == {
        "error_code": "0",
        "message": "Thành công",
        "page": 2,
        "pageSize": 7,
        "total": 150,
    }
    # Catalogue order is by key: page 2 of 7 holds the 8th to 14th procedure codes.
    codes = sorted(p["MaTTHC"] for p in simulation.truth("thu-tuc"))
    assert [p["MaTTHC"].strip() for p in body["data"]] == codes[7:14]


def test_default_page_size_and_pages_past_the_end(session, server):
    body = session.get(url(server, "ho-so"), timeout=10).json()
    assert (body["pageSize"], len(body["data"])) == (100, 100)
    past = session.get(url(server, "pakn"), params={"page": 99, "pageSize": 1000}, timeout=10).json()
    assert past["data"] == [] and past["total"] == 65


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tuNgay": "2025-01-01"}, "Tham số tuNgay không đúng định dạng yyyyMMddHHmmss"),
        ({"denNgay": "20251341000000"}, "Tham số denNgay không đúng định dạng yyyyMMddHHmmss"),
        ({"tuNgay": "20250201000000", "denNgay": "20250101000000"}, "Tham số tuNgay lớn hơn denNgay"),
        ({"page": "0"}, "Tham số page phải là số nguyên lớn hơn hoặc bằng 1"),
        ({"pageSize": "1001"}, "Tham số pageSize phải là số nguyên trong khoảng 1..1000"),
        ({"pageSize": "abc"}, "Tham số pageSize phải là số nguyên trong khoảng 1..1000"),
    ],
)
def test_malformed_requests_get_400(session, server, params, message):
    answer = session.get(url(server, "ho-so"), params=params, timeout=10)
    assert answer.status_code == 400
    assert answer.json() == {"error_code": "400", "message": message}


def test_year_filter_of_the_holiday_calendar(session, server):
    body = session.get(url(server, "ngay-nghi"), params={"nam": "2025"}, timeout=10).json()
    assert body["total"] == 12 and {h["Nam"] for h in body["data"]} == {2025}
    assert session.get(url(server, "ngay-nghi"), params={"nam": "25"}, timeout=10).status_code == 400


def test_unknown_paths_answer_404(session, server):
    for path in ("/dvc/api/v1/khong-co", "/other"):
        answer = session.get(server.base_url + path, timeout=10)
        assert answer.status_code == 404, path
        assert answer.json()["error_code"] == "404"


def test_health(server):
    body = requests.get(server.base_url + "/_sim/health", timeout=10).json()
    assert body == {"status": "ok", "seed": 0, "scale": "small", "year": 2025}


def test_window_filter_and_order(session, server, simulation):
    low, high = "20250301000000", "20250331235959"
    records, totals = read_window(session, server, "ho-so", {"tuNgay": low, "denNgay": high, "pageSize": 250})
    expected = [d for d in simulation.truth("ho-so") if low <= d["NgayCapNhat"] <= high]
    assert totals == {len(expected)} and len(records) == len(expected)
    assert all(low <= r["NgayCapNhat"] <= high for r in records)
    # G1: ordered by (version, key), the key compared by code point on its clean form.
    order = [(r["NgayCapNhat"], r["MaHoSo"].strip()) for r in records]
    assert order == sorted(order)
    assert {key for _, key in order} == {d["MaHoSo"] for d in expected}


def test_inclusive_bounds_on_a_single_second(session, server, simulation):
    version = simulation.truth("pakn")[10]["NgayCapNhat"]
    body = session.get(url(server, "pakn"), params={"tuNgay": version, "denNgay": version}, timeout=10).json()
    assert body["total"] >= 1 and all(r["NgayCapNhat"] == version for r in body["data"])


def test_same_seed_serves_the_same_bytes(server, session):
    other_simulation = Simulation(scale="small", year=2025, seed=0)
    with SimulatorServer(other_simulation, credentials=CREDENTIALS) as other:
        params = {"tuNgay": "20250101000000", "pageSize": 500, "page": 3}
        with authorised_session(other.env) as other_session:
            theirs = other_session.get(url(other, "ho-so"), params=params, timeout=10).content
        assert session.get(url(server, "ho-so"), params=params, timeout=10).content == theirs


def test_rate_limit_only_when_asked(simulation):
    with (
        SimulatorServer(simulation, rate_limit=True) as limited,
        authorised_session(limited.env) as limited_session,
    ):
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda _: limited_session.get(url(limited, "don-vi"), timeout=10), range(80))
            )
        refused = [a for a in answers if a.status_code == 429]
        # A burst of 20 passes, then the bucket refills at 10 per second: 80 quick requests cannot all pass.
        assert refused and 1 <= int(refused[0].headers["Retry-After"]) <= 30
        assert refused[0].json() == {"error_code": "429", "message": "Vượt quá giới hạn truy cập"}


def test_token_request_with_a_bad_content_length_is_refused(server):
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"POST /dvc/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400")
