"""Required documents of metrics.md §12 against the matching rules of §7.2, re-implemented here.

The requirements below are §7.5's YAML transcribed (contract data, not the simulator's configuration). For
every department and item the test finds the deciding document among the department's outgoing register
entries of the simulator's clean truth, with rules 1–7 of §7.2 as the contract states them (t = the end of
the year, every entry loaded, so pre-period decisions are candidates), and compares it with the manifest
(`docreq_manifest.jsonl`): its document for on_time, late and pre_period rows, none for missing rows.
Decoys therefore never decide, and the subjects the simulator writes match their items.
"""

import unicodedata
from datetime import date, datetime

import numpy as np
import pytest

from simulators import Simulation
from simulators.dvc.agencies import build_agencies
from simulators.qlvb.requirements import plan_required
from simulators.workdays import HolidayCalendar

YEAR = 2025
CCHC = ["cải cách hành chính", "CCHC"]
PERIOD_YEAR = ["năm {Y}", "/{Y}"]
# (id, requirement fields, items); fields as §7.1: types, phrases, none_of, boundaries, to, in_force.
REQUIREMENTS = {
    "plan": (
        {"types": ["KH"], "phrases": ["cải cách hành chính", "năm {Y}"], "boundaries": False},
        {"kh": {"deadline": "Y-1-12-31", "after": None, "until": None}},
    ),
    "inspection_plan": (
        {"types": ["KH"], "phrases": ["kiểm tra", CCHC, "năm {Y}"]},
        {"kh": {"deadline": "Y-03-31", "after": "Y-1-12-01"}},
    ),
    "cchc_reports": (
        {"types": ["BC"], "phrases": [CCHC], "to": ["H35.02"]},
        {
            "q1": {"deadline": "Y-03-16", "phrases": ["quý I", PERIOD_YEAR]},
            "h1": {"deadline": "Y-06-16", "phrases": [["6 tháng đầu năm", "sáu tháng đầu năm"], PERIOD_YEAR]},
            "q3": {"deadline": "Y-09-16", "phrases": [["quý III", "9 tháng"], PERIOD_YEAR]},
            "nam": {
                "deadline": "Y-12-16",
                "phrases": ["năm {Y}"],
                "none_of": ["quý", "6 tháng", "sáu tháng", "9 tháng"],
            },
        },
    ),
    "legal_review": (
        {
            "phrases": [
                ["kiểm tra", "rà soát"],
                ["văn bản quy phạm pháp luật", "văn bản QPPL", "VBQPPL"],
                "năm {Y}",
            ]
        },
        {
            "kh": {"types": ["KH"], "deadline": "Y-01-31", "after": "Y-1-12-01"},
            "bc": {"types": ["BC"], "to": ["H35.03"], "deadline": "Y-11-30"},
        },
    ),
    "law_monitoring": (
        {"phrases": ["theo dõi", "thi hành pháp luật", "năm {Y}"]},
        {
            "kh": {"types": ["KH"], "deadline": "Y-01-31", "after": "Y-1-12-01"},
            "bc": {"types": ["BC"], "to": ["H35.03"], "deadline": "Y-11-30"},
        },
    ),
    "tthc_review": (
        {"phrases": ["rà soát", ["thủ tục hành chính", "TTHC"], "năm {Y}"]},
        {
            "kh": {"types": ["KH"], "deadline": "Y-01-31", "after": "Y-1-12-01"},
            "bc": {"types": ["BC"], "to": ["H35.01"], "deadline": "Y-11-30"},
        },
    ),
    "functions_regulation": (
        {"types": ["QĐ"], "in_force": True, "phrases": [["chức năng, nhiệm vụ", "chức năng nhiệm vụ"]]},
        {"qd": {"deadline": None, "after": None, "until": None}},
    ),
    "budget_disclosure": (
        {"types": ["QĐ"], "phrases": ["công khai", "dự toán", "năm {Y}"]},
        {"qd": {"deadline": "Y-01-31", "after": "Y-1-12-01"}},
    ),
    "digital_plan": (
        {"types": ["KH"], "phrases": ["chuyển đổi số", "năm {Y}"]},
        {"kh": {"deadline": "Y-1-12-31", "after": "Y-1-07-01"}},
    ),
    "self_assessment": (
        {
            "types": ["BC"],
            "to": ["H35.02"],
            "phrases": [
                ["tự đánh giá", "tự chấm điểm"],
                ["chỉ số cải cách hành chính", "chỉ số CCHC"],
                "năm {Y}",
            ],
        },
        {"bc": {"deadline": "Y-12-20", "after": "Y-10-01"}},
    ),
}
# metrics.md §7.7 defaults.
INSPECTION = {"types": ["TB", "BC"], "phrases": ["kiểm tra", CCHC]}


def day(expression: str | None) -> date | None:
    if expression is None:
        return None
    for prefix, shift in (("Y-1-", -1), ("Y+1-", 1), ("Y-", 0)):
        if expression.startswith(prefix):
            month, dd = expression[len(prefix) :].split("-")
            return date(YEAR + shift, int(month), int(dd))
    raise ValueError(expression)


def phrase_matches(phrase: str, subject: str, boundaries: bool) -> bool:
    """§7.2 rule 4: lower-cased substring, at one occurrence with word boundaries at alphanumeric ends."""
    p = unicodedata.normalize("NFC", phrase.replace("{Y}", str(YEAR))).lower()
    s = unicodedata.normalize("NFC", subject).lower()
    start = s.find(p)
    while start >= 0:
        end = start + len(p)
        before_ok = not (p[0].isalnum() and start > 0 and s[start - 1].isalnum())
        after_ok = not (p[-1].isalnum() and end < len(s) and s[end].isalnum())
        if not boundaries or (before_ok and after_ok):
            return True
        start = s.find(p, start + 1)
    return False


def subject_matches(subject: str | None, phrases: list, none_of: list, boundaries: bool) -> bool:
    if subject is None:
        return False
    for element in phrases:
        options = element if isinstance(element, list) else [element]
        if not any(phrase_matches(option, subject, boundaries) for option in options):
            return False
    return not any(phrase_matches(phrase, subject, boundaries) for phrase in none_of)


def type_segment(notation: str) -> str | None:
    """§7.2 rule 3: the first `-` segment, or the part after `YYYY/` for a legal normative document."""
    segments = notation.strip().split("-")
    if len(segments) < 2:
        return None
    return segments[0].split("/", 1)[1] if "/" in segments[0] else segments[0]


def promulgated(record: dict) -> date:
    return date(*map(int, record["PromulgationDate"].split("/")))


@pytest.fixture(scope="module")
def simulation() -> Simulation:
    return Simulation(scale="small", year=YEAR, seed=0)


@pytest.fixture(scope="module")
def manifest(simulation):
    return simulation.docreq_manifest()


@pytest.fixture(scope="module")
def registers(simulation):
    """Outgoing entries per department, with `To[]` codes mapped to `MaDinhDanh` through `don-vi`."""
    alias = {}
    for unit in simulation.truth("don-vi"):
        alias[unit["MaDinhDanh"]] = alias[unit["MaDinhDanhCu"]] = unit["MaDinhDanh"]
    out: dict[str, list[dict]] = {}
    for record in simulation.truth("documents"):
        if record["id"] is not None and record["direction"] == "di":
            receivers = {alias.get(to["OrganId"], to["OrganId"]) for to in record["To"]}
            out.setdefault(record["MaDonViQuanLy"], []).append({**record, "receivers": receivers})
    return out


def candidates(entries: list[dict], agency: str, requirement: dict, item: dict) -> list[dict]:
    types = item.get("types", requirement.get("types"))
    receivers = item.get("to", requirement.get("to"))
    phrases = requirement["phrases"] + item.get("phrases", [])
    none_of = requirement.get("none_of", []) + item.get("none_of", [])
    boundaries = requirement.get("boundaries", True)
    deadline = day(item["deadline"])
    after = day(item["after"]) if "after" in item else date(YEAR, 1, 1)
    until = day(item["until"]) if "until" in item else max(date(YEAR, 12, 31), deadline or date.min)
    replaced = {
        old for r in entries if r["BussinessDocType"] != 1 for old in r.get("ReplacementDocumentIds") or []
    }
    found = []
    for record in entries:
        if record["BussinessDocType"] == 1 or record["DoMat"] != "":
            continue
        if type_segment(record["CodeNotation"]) not in types:
            continue
        if not subject_matches(record["Subject"], phrases, none_of, boundaries):
            continue
        if receivers and agency not in receivers and not (record["receivers"] & set(receivers)):
            continue
        if requirement.get("in_force") and record["DocumentId"] in replaced:
            continue
        when = promulgated(record)
        if (after and when < after) or (until and when > until) or when > date(YEAR, 12, 31):
            continue
        found.append(record)
    return sorted(found, key=lambda r: (promulgated(r), r["CodeNumber"], r["DocumentId"]))


def test_every_item_is_decided_by_the_document_the_manifest_names(manifest, registers):
    rows = [r for r in manifest if r["outcome"] != "decoy" and r["requirement"] in REQUIREMENTS]
    assert rows
    for row in rows:
        requirement, items = REQUIREMENTS[row["requirement"]]
        found = candidates(registers.get(row["agency"], []), row["agency"], requirement, items[row["item"]])
        deciding = found[0]["DocumentId"] if found else None
        expected = row["document_id"] if row["outcome"] in ("on_time", "late", "pre_period") else None
        assert deciding == expected, row
        if row["outcome"] in ("on_time", "late"):
            deadline = day(items[row["item"]]["deadline"])
            on_time = deadline is None or promulgated(found[0]) <= deadline
            assert on_time == (row["outcome"] == "on_time"), row


def test_decoys_are_in_the_register_and_never_decide(manifest, registers):
    decoys = [r for r in manifest if r["outcome"] == "decoy"]
    ids = {r["DocumentId"] for entries in registers.values() for r in entries}
    assert {r["document_id"] for r in decoys} <= ids
    for agency in {r["agency"] for r in decoys}:
        for name, (requirement, items) in REQUIREMENTS.items():
            for item in items.values():
                found = candidates(registers.get(agency, []), agency, requirement, item)
                assert not found or found[0]["DocumentId"] not in {r["document_id"] for r in decoys}, name


def test_inspection_notices_name_exactly_the_inspected_divisions(manifest, registers, simulation):
    """§7.7: divisions named in `To[]` by a TB/BC of the year with "kiểm tra" and CCHC, per department."""
    divisions = {
        u["MaDinhDanh"]: u["MaDonViCha"]
        for u in simulation.truth("don-vi")
        if u["LoaiDonVi"] in ("phong-ban", "don-vi-truc-thuoc")
    }
    rows = [r for r in manifest if r["requirement"] == "inspection_coverage"]
    assert {r["item"] for r in rows} == {d for d, parent in divisions.items() if parent in registers}
    for row in rows:
        notices = [
            r
            for r in registers[row["agency"]]
            if r["BussinessDocType"] != 1
            and r["DoMat"] == ""
            and type_segment(r["CodeNotation"]) in INSPECTION["types"]
            and subject_matches(r["Subject"], INSPECTION["phrases"], [], True)
            and promulgated(r).year == YEAR
            and row["item"] in r["receivers"]
        ]
        expected = [row["document_id"]] if row["outcome"] == "on_time" else []
        assert [r["DocumentId"] for r in notices] == expected, row
    shares = {}
    for row in rows:
        inspected, total = shares.get(row["agency"], (0, 0))
        shares[row["agency"]] = (inspected + (row["outcome"] == "on_time"), total + 1)
    assert all(0 <= k <= 0.6 * n or k == -(-n // 5) for k, n in shares.values())
    assert any(k / n < 0.2 for k, n in shares.values()) and any(k / n >= 0.2 for k, n in shares.values())


@pytest.mark.parametrize("scale", ["small", "province", "large"])
def test_every_outcome_occurs_at_every_scale(scale):
    """§12: each outcome for some department (the plan alone: no registers are generated). With three
    departments one item cannot show four outcomes: `digital_plan` then shows autumn, late and one more."""
    agencies = build_agencies(scale, datetime(YEAR - 1, 12, 1))
    planned = plan_required(
        agencies, YEAR, HolidayCalendar(range(YEAR - 1, YEAR + 2)), np.random.default_rng(7)
    )
    seen: dict[str, set[str]] = {}
    for row in planned.truth:
        outcome = row.outcome
        if row.requirement == "digital_plan" and outcome == "on_time":
            autumn = planned.documents[row.document].day < date(YEAR - 1, 12, 1)
            outcome = "autumn" if autumn else "on_time"
        seen.setdefault(row.requirement, set()).add(outcome)
    every = {"on_time", "late", "missing"}
    for name in ("cchc_reports", "inspection_plan", "legal_review", "law_monitoring", "tthc_review"):
        assert every <= seen[name], name
    assert "decoy" in seen["cchc_reports"]
    assert {"on_time", "pre_period", "missing", "decoy"} <= seen["functions_regulation"]
    assert every <= seen["budget_disclosure"] and every <= seen["self_assessment"]
    assert {"autumn", "late"} <= seen["digital_plan"]
    assert len(seen["digital_plan"]) == (3 if scale == "small" else 4)
    assert {"on_time", "missing"} <= seen["inspection_coverage"]
    assert "decoy" in seen["plan"]


def test_the_same_seed_gives_the_same_manifest(manifest):
    assert Simulation(scale="small", year=YEAR, seed=0).docreq_manifest() == manifest
