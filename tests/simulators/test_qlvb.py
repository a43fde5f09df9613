"""QLVB (sources.md §3, §9): generated registers, their invariants and the documents API over real HTTP."""

import re
import time
import unicodedata
from collections import Counter

import pytest
import requests

from simulators import Simulation, SimulatorServer

KEY = {"PARINDEX_QLVB_API_KEY": "qlvb-key-under-test"}
HEADERS = {"X-API-Key": KEY["PARINDEX_QLVB_API_KEY"]}


@pytest.fixture(scope="module")
def documents(simulation):
    return [record for record in simulation.truth("documents") if record["id"] is not None]


@pytest.fixture(scope="module")
def server(simulation):
    with SimulatorServer(simulation, credentials=KEY) as running:
        yield running


def url(server) -> str:
    return server.env["PARINDEX_QLVB_URL"] + "/api/documents"


def traverse(server, direction: str, limit: int = 500, **params) -> list[dict]:
    records, cursor = [], None
    while True:
        query = {"direction": direction, "limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        body = requests.get(url(server), params=query, headers=HEADERS, timeout=10).json()
        records += body["data"]
        cursor = body["nextCursor"]
        if cursor is None:
            return records


def test_volume_and_office_share_follow_the_small_preset(documents):
    # §9 small: 2,000 entries a year, 1,200 of them the Office's; the period has 13 months (x 13/12).
    assert 0.9 * 2000 * 13 / 12 <= len(documents) <= 1.1 * 2000 * 13 / 12
    office = [r for r in documents if r["MaDonViQuanLy"] == "H35.01"]
    assert 0.85 * 1300 <= len(office) <= 1.15 * 1300
    assert sum(r["direction"] == "den" for r in office) > 2 * sum(r["direction"] == "di" for r in office)


def test_natural_keys_are_unique_and_ids_too(documents):
    keys = Counter((r["MaDonViQuanLy"], r["direction"], r["DocumentId"]) for r in documents)
    assert max(keys.values()) == 1
    assert len({r["id"] for r in documents}) == len(documents)


def test_a_document_sent_inside_the_province_is_di_once_and_den_per_receiver(documents):
    by_id = {}
    for record in documents:
        by_id.setdefault(record["DocumentId"], []).append(record)
    internal = [
        copies
        for copies in by_id.values()
        if any(c["direction"] == "di" for c in copies) and any(c["direction"] == "den" for c in copies)
    ]
    assert len(internal) > 100
    for copies in internal:
        sent = [c for c in copies if c["direction"] == "di"]
        assert len(sent) == 1 and sent[0]["MaDonViQuanLy"] == sent[0]["From"]["OrganId"]
        receivers = {organ["OrganId"] for organ in sent[0]["To"]}
        assert {c["MaDonViQuanLy"] for c in copies if c["direction"] == "den"} <= receivers
        assert len({c["id"] for c in copies}) == len(copies)


def test_document_id_is_built_from_sender_date_number_and_notation(documents):
    for record in documents:
        organ, date, code = record["DocumentId"].split(",")
        assert date == record["PromulgationDate"]
        assert code == f"{record['CodeNumber']}/{record['CodeNotation']}"
        assert organ in (record["From"]["OrganId"], _old(record["From"]["OrganId"]))
        if record["DocumentType"]["TypeName"] == "Công văn":
            assert not re.match(r"^(KH|QĐ|TB|BC)-", record["CodeNotation"])


def _old(code: str) -> str:
    # The old-format alias of a simulated new code H35.NN (sources.md §8).
    number = code.split(".")[1] if code.startswith("H35.") else ""
    return f"000.00.{number}.H35" if number else code


def test_secret_documents_have_no_subject_no_signature_and_are_on_paper(documents):
    secret = [r for r in documents if r["DoMat"]]
    assert secret, "about 1 % of documents are classified"
    for record in secret:
        assert record["Subject"] is None
        assert record["HinhThucGuiNhan"] == "giấy"
        assert record["ChuKySo"] == []
    non_secret = [r for r in documents if not r["DoMat"]]
    electronic = sum(r["HinhThucGuiNhan"] != "giấy" for r in non_secret)
    assert electronic / len(non_secret) >= 0.97


def test_outgoing_electronic_documents_mostly_carry_a_valid_agency_signature(documents):
    outgoing = [r for r in documents if r["direction"] == "di" and r["HinhThucGuiNhan"] != "giấy"]
    sealed = [r for r in outgoing if any(s["KyBoi"] == "co_quan" and s["HopLe"] for s in r["ChuKySo"])]
    assert 0.88 <= len(sealed) / len(outgoing) < 1.0


def test_assignments_only_on_incoming_with_consistent_status(documents):
    for record in documents:
        if record["direction"] == "di":
            assert record["XuLy"] == [] and record["NgayDen"] is None and record["SoDen"] is None
            continue
        assert record["NgayDen"] and record["SoDen"] >= 1
        leads = [a for a in record["XuLy"] if a["VaiTro"] == "chủ trì"]
        assert len(leads) == 1
        for assignment in record["XuLy"]:
            assert assignment["TrangThai"] in ("03", "04", "05", "06")
            assert (assignment["NgayHoanThanh"] is not None) == (assignment["TrangThai"] == "06")


def test_lead_assignments_done_by_their_deadline_in_the_contract_range(documents):
    leads = [a for r in documents if r["direction"] == "den" for a in r["XuLy"] if a["VaiTro"] == "chủ trì"]
    due = [a for a in leads if a["HanXuLy"] and a["HanXuLy"] <= "2025-12-15"]
    in_time = [a for a in due if a["NgayHoanThanh"] and a["NgayHoanThanh"][:10] <= a["HanXuLy"]]
    assert 0.8 <= len(in_time) / len(due) <= 0.99


def test_recalls_updates_and_replacements_are_served(documents):
    kinds = Counter(r["BussinessDocType"] for r in documents)
    assert kinds[1] and kinds[2]
    for record in documents:
        if record["BussinessDocType"] in (1, 2):
            assert record["BussinessDocReason"]
        assert bool(record["ReplacementDocumentIds"]) == (
            record["BussinessDocType"] == 3 or bool(record["ReplacementDocumentIds"])
        )


def test_cchc_plans_vary_between_on_time_late_and_missing(simulation, documents):
    year = simulation.year

    def is_plan(record) -> bool:
        subject = unicodedata.normalize("NFC", record["Subject"] or "").casefold()
        return (
            record["direction"] == "di"
            and record["CodeNotation"].startswith("KH-")
            and "cải cách hành chính" in subject
            and f"năm {year}" in subject
        )

    holders = {r["MaDonViQuanLy"] for r in documents}
    first_plan = {}
    for record in filter(is_plan, documents):
        date = record["PromulgationDate"]
        holder = record["MaDonViQuanLy"]
        first_plan[holder] = min(first_plan.get(holder, date), date)
    on_time = {h for h, date in first_plan.items() if date <= f"{year - 1}/12/31"}
    late = set(first_plan) - on_time
    missing = holders - set(first_plan)
    assert on_time and late and missing


def test_cursor_traversal_serves_every_entry_once_in_order(server, simulation, documents):
    for direction in ("di", "den"):
        served = traverse(server, direction, limit=137)
        expected = [r for r in documents if r["direction"] == direction]
        assert len(served) == len(expected)
        assert {r["id"] for r in served} == {r["id"] for r in expected}
        # Ordered by (ModifiedAt, id); the truth's ModifiedAt, as Q16 may serve it in UTC.
        version = {r["id"]: r["ModifiedAt"] for r in expected}
        positions = [(version[r["id"]], r["id"]) for r in served]
        assert [v for v, _ in positions] == sorted(v for v, _ in positions)


def test_modified_since_is_inclusive(server, documents):
    since = sorted(r["ModifiedAt"] for r in documents if r["direction"] == "den")[500]
    served = traverse(server, "den", modifiedSince=since)
    expected = [r for r in documents if r["direction"] == "den" and r["ModifiedAt"] >= since]
    assert {r["id"] for r in served} == {r["id"] for r in expected}


def test_next_cursor_is_null_exactly_at_the_end(server, documents):
    count = sum(r["direction"] == "di" for r in documents)
    body = requests.get(
        url(server), params={"direction": "di", "limit": 500}, headers=HEADERS, timeout=10
    ).json()
    assert body["nextCursor"] is not None
    rest = traverse(server, "di", limit=count - 500 if count > 500 else 1, cursor=body["nextCursor"])
    assert len(rest) == count - 500


@pytest.mark.parametrize(
    ("params", "headers", "status", "code"),
    [
        ({"direction": "di"}, {}, 401, "unauthorized"),
        ({"direction": "di"}, {"X-API-Key": "wrong"}, 401, "unauthorized"),
        ({}, HEADERS, 400, "invalid_parameter"),
        ({"direction": "out"}, HEADERS, 400, "invalid_parameter"),
        ({"direction": "di", "limit": "0"}, HEADERS, 400, "invalid_parameter"),
        ({"direction": "di", "limit": "501"}, HEADERS, 400, "invalid_parameter"),
        ({"direction": "di", "modifiedSince": "2025-06-01T00:00:00"}, HEADERS, 400, "invalid_parameter"),
        ({"direction": "di", "cursor": "not-a-cursor"}, HEADERS, 400, "invalid_cursor"),
    ],
)
def test_errors_use_the_qlvb_body(server, params, headers, status, code):
    answer = requests.get(url(server), params=params, headers=headers, timeout=10)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["message"]


def test_a_cursor_of_the_other_direction_or_tampered_is_invalid(server):
    cursor = requests.get(url(server), params={"direction": "den"}, headers=HEADERS, timeout=10).json()
    other = requests.get(
        url(server), params={"direction": "di", "cursor": cursor["nextCursor"]}, headers=HEADERS, timeout=10
    )
    assert other.json()["error"]["code"] == "invalid_cursor"
    tampered = cursor["nextCursor"][:-2] + ("AA" if cursor["nextCursor"][-2:] != "AA" else "BB")
    answer = requests.get(
        url(server), params={"direction": "den", "cursor": tampered}, headers=HEADERS, timeout=10
    )
    assert answer.json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_expires(simulation):
    with SimulatorServer(simulation, credentials=KEY, cursor_ttl_s=0.3) as running:
        first = requests.get(url(running), params={"direction": "den"}, headers=HEADERS, timeout=10).json()
        time.sleep(0.5)
        later = requests.get(
            url(running),
            params={"direction": "den", "cursor": first["nextCursor"]},
            headers=HEADERS,
            timeout=10,
        )
    assert later.status_code == 400 and later.json()["error"]["code"] == "invalid_cursor"


def test_edxml_endpoint_serves_packages_and_refuses_paper_and_unknown_ids(server, documents):
    electronic = next(r for r in documents if r["HinhThucGuiNhan"] == "điện tử" and r["direction"] == "den")
    paper = next(r for r in documents if r["HinhThucGuiNhan"] == "giấy")
    base = server.env["PARINDEX_QLVB_URL"] + "/api/documents/"
    answer = requests.get(base + electronic["id"] + "/edxml", headers=HEADERS, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert f"<edXML:DocumentId>{electronic['DocumentId']}</edXML:DocumentId>" in answer.text
    refused = requests.get(base + paper["id"] + "/edxml", headers=HEADERS, timeout=10)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "no_edxml"
    unknown = requests.get(base + "no-such-id/edxml", headers=HEADERS, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_served_records_differ_from_the_truth_exactly_where_the_manifest_says(server, simulation, documents):
    served = {r["id"]: r for r in traverse(server, "di") + traverse(server, "den")}
    truth = {r["id"]: r for r in documents}
    manifest = [e for e in simulation.manifest(("qlvb",)) if e["entity"] == "documents"]
    altered_keys = {e["key"] for e in manifest if e["quirk"] != "Q10"}
    for identifier, record in truth.items():
        key = f"{record['MaDonViQuanLy']}|{record['direction']}|{record['DocumentId']}"
        assert (served[identifier] != record) == (key in altered_keys), key
    old_agencies = [e for e in manifest if e["quirk"] == "Q5" and e["field"] == "MaDonViQuanLy"]
    assert old_agencies
    by_key = {f"{r['MaDonViQuanLy']}|{r['direction']}|{r['DocumentId']}": r["id"] for r in documents}
    for entry in old_agencies:
        assert served[by_key[entry["key"]]]["MaDonViQuanLy"].strip().startswith("000.")


def test_same_seed_same_documents():
    first = Simulation(scale="small", year=2025, seed=3).truth("documents")
    second = Simulation(scale="small", year=2025, seed=3).truth("documents")
    other = Simulation(scale="small", year=2025, seed=4).truth("documents")
    assert first == second
    assert first != other


def test_rate_limit_answers_429_with_retry_after(simulation):
    with SimulatorServer(simulation, credentials=KEY, rate_limit=True) as limited:
        answers = [
            requests.get(url(limited), params={"direction": "di", "limit": 1}, headers=HEADERS, timeout=10)
            for _ in range(25)
        ]
    refused = [a for a in answers if a.status_code == 429]
    # Burst 10 at 5 requests/s (sources.md §1.7): the quick requests after the tenth wait.
    assert refused and 1 <= int(refused[0].headers["Retry-After"]) <= 30
    assert refused[0].json()["error"]["code"] == "rate_limited"
