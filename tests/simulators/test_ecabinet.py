"""E-CABINET (sources.md §4, §9): meetings, polls and tasks, their invariants and the API over real HTTP."""

import pytest
import requests

from simulators import SimulatorServer

USER = {"PARINDEX_ECABINET_USER": "thuky", "PARINDEX_ECABINET_PASSWORD": "mat-khau-thu"}
AUTH = ("thuky", "mat-khau-thu")
LISTS = ("cuoc-hop", "phieu-lay-y-kien", "nhiem-vu")
DETAIL_ONLY = {"chuongTrinh", "taiLieu", "thanhPhan"}


@pytest.fixture(scope="module")
def server(simulation):
    with SimulatorServer(simulation, credentials=USER) as running:
        yield running


def url(server, path: str) -> str:
    return server.env["PARINDEX_ECABINET_URL"] + "/api/" + path


def read_all(server, resource: str, **params) -> tuple[list[dict], set[int]]:
    items, totals, offset = [], set(), 0
    while True:
        query = {"limit": 200, "offset": offset, **params}
        body = requests.get(url(server, resource), params=query, auth=AUTH, timeout=10).json()
        totals.add(body["total"])
        if not body["items"]:
            return items, totals
        items += body["items"]
        offset += len(body["items"])


def test_volumes_follow_the_small_preset(simulation):
    # §9 small, times 13/12 for the 13-month period: 30 meetings, 10 polls of 10-25 members, 150 tasks.
    assert len(simulation.truth("cuoc-hop")) == round(30 * 13 / 12)
    polls = simulation.truth("phieu-lay-y-kien")
    assert len(polls) == round(10 * 13 / 12)
    assert all(10 <= len(p["thanhVien"]) <= 25 for p in polls)
    assert len(simulation.truth("nhiem-vu")) == round(150 * 13 / 12)


def test_meeting_invariants(simulation):
    meetings = simulation.truth("cuoc-hop")
    cancelled = [m for m in meetings if m["trangThai"] == "đã hủy"]
    assert cancelled, "Q11: 4 % of meetings, at least one"
    for meeting in meetings:
        assert meeting["ma"].startswith("CH-") and meeting["chuTri"]["maThanhVien"] == "TV-000001"
        on_paper = any(d["kenh"] == "giấy" for d in meeting["taiLieu"])
        assert meeting["khongGiay"] == (not on_paper)
        assert (meeting["lyDoHuy"] is not None) == (meeting["trangThai"] == "đã hủy")
        presence = {p["coMat"] for p in meeting["thanhPhan"]}
        if meeting["trangThai"] == "đã hủy":
            assert presence == {False}
        elif meeting["trangThai"] == "đã kết thúc":
            assert None not in presence
        for member in meeting["thanhPhan"]:
            assert member["maThanhVien"][:3] == "TV-" and len(member["maThanhVien"]) == 9
    paperless = [m for m in meetings if m["trangThai"] != "đã hủy" and m["khongGiay"]]
    assert 0.4 <= len(paperless) / len(meetings) <= 1.0


def test_poll_answers_are_consistent(simulation):
    for poll in simulation.truth("phieu-lay-y-kien"):
        for member in poll["thanhVien"]:
            unanswered = member["luaChon"] == "chưa trả lời"
            assert (member["thoiDiemTraLoi"] is None) == unanswered
            if unanswered:
                assert member["daKySo"] is False


def test_tasks_belong_to_assessed_agencies_and_dates_follow_status(simulation):
    agencies = {a["MaDinhDanh"]: a for a in simulation.truth("don-vi")}
    tasks = simulation.truth("nhiem-vu")
    for task in tasks:
        assert agencies[task["maDonViChuTri"]]["LoaiDonVi"] in ("so-ban-nganh", "xa-phuong")
        assert (task["ngayHoanThanh"] is not None) == (task["trangThai"] == "hoàn thành")
    due = [t for t in tasks if t["hanHoanThanh"] and t["hanHoanThanh"] <= "2025-10-31"]
    in_time = [t for t in due if t["ngayHoanThanh"] and t["ngayHoanThanh"] <= t["hanHoanThanh"]]
    assert 0.55 <= len(in_time) / len(due) <= 0.98


def test_basic_auth_is_required(server):
    for auth in (None, ("thuky", "sai"), ("khac", "mat-khau-thu")):
        answer = requests.get(url(server, "cuoc-hop"), auth=auth, timeout=10)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == 'Basic realm="ecabinet"'
        body = answer.json()
        assert body["status"] == 401 and body["error"] == "Unauthorized"
        assert body["path"] == "/ecabinet/api/cuoc-hop" and body["timestamp"].endswith("+07:00")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "201"},
        {"offset": "-1"},
        {"updatedSince": "hôm qua"},
        {"tuNgay": "2025-05-02", "denNgay": "2025-05-01"},
        {"tuNgay": "02/05/2025"},
    ],
)
def test_bad_parameters_get_a_spring_400(server, params):
    answer = requests.get(url(server, "cuoc-hop"), params=params, auth=AUTH, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"] == "Bad Request" and answer.json()["message"]


def test_unknown_paths_and_meetings_get_404(server):
    for path in ("khong-co", "cuoc-hop/CH-1999-0001", "nhiem-vu/NV-2025-0001"):
        answer = requests.get(url(server, path), auth=AUTH, timeout=10)
        assert answer.status_code == 404 and answer.json()["error"] == "Not Found"


@pytest.mark.parametrize("resource", LISTS)
def test_lists_serve_the_truth_in_version_then_key_order(server, simulation, resource):
    items, totals = read_all(server, resource)
    truth = simulation.truth(resource)
    assert totals == {len(truth)}
    assert [item["ma"].strip() for item in items] == [record["ma"] for record in truth]
    if resource == "cuoc-hop":
        assert not any(DETAIL_ONLY & set(item) for item in items)


def test_updated_window_is_inclusive_at_both_ends(server, simulation):
    truth = simulation.truth("nhiem-vu")
    low, high = truth[20]["thoiGianCapNhat"], truth[60]["thoiGianCapNhat"]
    items, totals = read_all(server, "nhiem-vu", updatedSince=low, updatedUntil=high)
    expected = [t["ma"] for t in truth if low <= t["thoiGianCapNhat"] <= high]
    assert totals == {len(expected)} and [i["ma"].strip() for i in items] == expected


def test_start_date_filter_on_meetings(server, simulation):
    items, _ = read_all(server, "cuoc-hop", tuNgay="2025-03-01", denNgay="2025-06-30")
    expected = [
        m["ma"]
        for m in simulation.truth("cuoc-hop")
        if "2025-03-01" <= m["thoiGianBatDau"][:10] <= "2025-06-30"
    ]
    assert [i["ma"].strip() for i in items] == expected and expected


def test_detail_is_the_list_record_plus_its_arrays(server, simulation):
    truth = {m["ma"]: m for m in simulation.truth("cuoc-hop")}
    listed, _ = read_all(server, "cuoc-hop")
    for item in listed[:5]:
        detail = requests.get(url(server, "cuoc-hop/" + item["ma"].strip()), auth=AUTH, timeout=10).json()
        assert {k: v for k, v in detail.items() if k not in DETAIL_ONLY} == item
        assert set(detail) - set(item) == DETAIL_ONLY
        assert detail["thoiGianCapNhat"] == item["thoiGianCapNhat"]
    assert len(truth) == len(listed)


def test_paperless_contradictions_are_in_the_manifest_and_served(server, simulation):
    q19 = [e for e in simulation.manifest(("ecabinet",)) if e["quirk"] == "Q19"]
    assert q19 and all(e["field"] == "khongGiay" for e in q19)
    truth = {m["ma"]: m for m in simulation.truth("cuoc-hop")}
    for entry in q19:
        served = requests.get(url(server, "cuoc-hop/" + entry["key"]), auth=AUTH, timeout=10).json()
        assert served["khongGiay"] is True and truth[entry["key"]]["khongGiay"] is False
        assert any(d["kenh"].strip().lower() == "giấy" for d in served["taiLieu"])


def test_cancellations_are_marked_in_the_manifest(simulation):
    q11 = {(e["entity"], e["key"]) for e in simulation.manifest(("ecabinet",)) if e["quirk"] == "Q11"}
    expected = {
        (entity, record["ma"])
        for entity in ("cuoc-hop", "phieu-lay-y-kien")
        for record in simulation.truth(entity)
        if record["trangThai"] == "đã hủy"
    }
    assert q11 == expected and any(entity == "phieu-lay-y-kien" for entity, _ in q11)


def test_served_tasks_differ_from_the_truth_exactly_where_the_manifest_says(server, simulation):
    served, _ = read_all(server, "nhiem-vu")
    truth = simulation.truth("nhiem-vu")
    altered = {e["key"] for e in simulation.manifest(("ecabinet",)) if e["entity"] == "nhiem-vu"}
    assert altered
    for got, expected in zip(served, truth, strict=True):
        assert (got != expected) == (expected["ma"] in altered), expected["ma"]


def test_rate_limit_answers_429_with_retry_after(simulation):
    with SimulatorServer(simulation, credentials=USER, rate_limit=True) as limited:
        answers = [requests.get(url(limited, "nhiem-vu"), auth=AUTH, timeout=10) for _ in range(25)]
    refused = [a for a in answers if a.status_code == 429]
    # Burst 10 at 5 requests/s: the quick requests after the tenth wait.
    assert refused and 1 <= int(refused[0].headers["Retry-After"]) <= 30
    assert refused[0].json()["error"] == "Too Many Requests"
