"""Document requirements (metrics.md §7) on a hand-built 2025 register, from records to metric_value.

Agency A = H35.01 (outgoing register); Sở Nội vụ H35.02 and Sở Tư pháp H35.03 receive. The requirements are
those of §7.5 (`cchc_reports`, `functions_regulation`, `inspection_plan`) written as catalogue YAML and
parsed by scoring.requirements, plus the §2 plan that the warehouse declares itself. Every expected status
below is worked out by hand from the entries listed here and the rules of §7.2–§7.3:

  r1 BC 2025-03-13 "Báo cáo kết quả CCHC quý I năm 2025" To H35.02      q1's only candidate: on time
  r2 BC 2025-03-10 "Báo cáo CCHC quý II năm 2025" To H35.02             quý I ≠ quý II (boundaries): none
  r3 BC 2025-06-10 "Báo cáo CCHC 6 tháng đầu năm 2025" To H35.05 only   receiver not Sở Nội vụ: none
  r4 BC 2025-06-19 "Báo cáo CCHC 6 tháng đầu năm 2025" To H35.02        h1 decided, 3 days late
  r5 BC 2025-06-19 "Báo cáo CCHC sáu tháng đầu năm 2025" number 10      same day as r4 (number 9): "10" <
     To H35.02                                                          "9" as text, so r5 decides h1
  r6 BC 2025-05-01 "Báo cáo CCHC quý I năm 2025" recalled               excluded (rule 2)
  q1 QĐ 2025-02-01 "Quyết định quy định chức năng, nhiệm vụ …" id X     replaced by q2: not in force
  q2 QĐ 2025-05-01 the same subject, replacing X                        functions_regulation: on time
  k1 KH 2024-11-15 "Kế hoạch kiểm tra CCHC năm 2025"                    before after (2024-12-01): none
  t1 TB 2025-04-02 "Thông báo kết quả kiểm tra cải cách hành chính" To H35.01.01: inspects that division

As of 2025-07-20 10:00 (the §10.4 example's day): q1 on time, h1 late (r5, 19/06), q3 and nam pending:
cchc_reports_on_time 1/2, _issued 2/2. inspection_plan (deadline 31/03) has no candidate: missing while C is
unknown, unverifiable once the first extraction is known to have started on 2024-12-15 (after 2024-12-01 is
before C). The plan: no KH on "cải cách hành chính năm 2025" at all, missing (0/1).
"""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
import yaml

from etl.privacy import Privacy
from etl.qlvb.entities import PRIVACY, document_spec
from etl.qlvb.normalise import normalise_documents
from scoring.requirements import parse_requirements, resolve
from tests.etl.qlvb_fixtures.records import context, example
from tests.warehouse.conftest import rows, year_period
from warehouse import cursors
from warehouse.docreq import ItemSpec, _candidate_filter, set_document_requirements
from warehouse.docreq_match import type_matches
from warehouse.landing import land_batch
from warehouse.metric_values import compute_metrics
from warehouse.models import run_models
from warehouse.reference import load_agency_config

A = "H35.01"
AS_OF = datetime(2025, 7, 20, 10, 0)
REQUIREMENTS = """
- id: cchc_reports
  name: Báo cáo CCHC định kỳ
  types: [BC]
  phrases: [[cải cách hành chính, CCHC]]
  to: [H35.02]
  items:
    - {code: q1, name: Báo cáo quý I, deadline: Y-03-16, phrases: ["quý I", ["năm {Y}", "/{Y}"]]}
    - {code: h1, name: Báo cáo 6 tháng, deadline: Y-06-16,
       phrases: [[6 tháng đầu năm, sáu tháng đầu năm], ["năm {Y}", "/{Y}"]]}
    - {code: q3, name: Báo cáo quý III, deadline: Y-09-16, phrases: [[quý III, 9 tháng], ["năm {Y}", "/{Y}"]]}
    - {code: nam, name: Báo cáo năm, deadline: Y-12-16, phrases: ["năm {Y}"],
       none_of: [quý, 6 tháng, sáu tháng, 9 tháng]}
- {id: functions_regulation, name: "Quy định chức năng, nhiệm vụ", types: [QĐ], in_force: true,
   phrases: [["chức năng, nhiệm vụ", chức năng nhiệm vụ]],
   items: [{code: qd, name: "Quyết định quy định chức năng, nhiệm vụ", deadline: null,
            after: null, until: null}]}
- {id: inspection_plan, name: Kế hoạch kiểm tra CCHC, types: [KH],
   phrases: ["kiểm tra", [cải cách hành chính, CCHC], "năm {Y}"],
   items: [{code: kh, name: "Kế hoạch kiểm tra CCHC năm {Y}", deadline: Y-03-31, after: Y-1-12-01}]}
"""


def _doc(number, notation, date_text, subject, to=("H35.02",), **changes):
    fields = {
        "id": f"{A}-di-{number}",
        "direction": "di",
        "MaDonViQuanLy": A,
        "DocumentId": f"000.00.01.H35,{date_text},{number}/{notation}",
        "From": {"OrganId": "000.00.01.H35", "OrganName": "Văn phòng"},
        "To": [{"OrganId": code, "OrganName": "Nơi nhận"} for code in to],
        "CodeNumber": str(number),
        "CodeNotation": notation,
        "PromulgationDate": date_text,
        "Subject": subject,
        "ChuKySo": [],
        "XuLy": [],
        "NgayDen": None,
    }
    fields.update(changes)
    return example(**fields)


REPLACED = "000.00.01.H35,2025/02/01,20/QĐ-VP"
DOCUMENTS = [
    _doc(1, "BC-VP", "2025/03/13", "Báo cáo kết quả CCHC quý I năm 2025"),
    _doc(2, "BC-VP", "2025/03/10", "Báo cáo CCHC quý II năm 2025"),
    _doc(3, "BC-VP", "2025/06/10", "Báo cáo CCHC 6 tháng đầu năm 2025", to=("H35.05",)),
    _doc(9, "BC-VP", "2025/06/19", "Báo cáo CCHC 6 tháng đầu năm 2025"),
    _doc(10, "BC-VP", "2025/06/19", "Báo cáo CCHC sáu tháng đầu năm 2025"),
    _doc(6, "BC-VP", "2025/05/01", "Báo cáo CCHC quý I năm 2025", BussinessDocType=1),
    _doc(20, "QĐ-VP", "2025/02/01", "Quyết định quy định chức năng, nhiệm vụ của Văn phòng"),
    _doc(
        21,
        "QĐ-VP",
        "2025/05/01",
        "Quyết định quy định chức năng, nhiệm vụ của Văn phòng",
        BussinessDocType=3,
        ReplacementDocumentIds=[REPLACED],
    ),
    _doc(30, "KH-VP", "2024/11/15", "Kế hoạch kiểm tra CCHC năm 2025"),
    _doc(40, "TB-VP", "2025/04/02", "Thông báo kết quả kiểm tra cải cách hành chính", to=("H35.01.01",)),
]


def _items(year: int) -> list[ItemSpec]:
    declared = parse_requirements(Path("test.yaml"), yaml.safe_load(REQUIREMENTS))
    return [ItemSpec(**item) for requirement in declared for item in resolve(requirement, year)]


def _load(engine):
    load_agency_config(
        engine,
        [
            {"agency_code": A, "agency_name": "Văn phòng", "unit_type": "so-ban-nganh"},
            {"agency_code": "H35.02", "agency_name": "Sở Nội vụ", "unit_type": "so-ban-nganh"},
            {
                "agency_code": "H35.01.01",
                "agency_name": "Phòng 1",
                "unit_type": "phong-ban",
                "parent_code": A,
            },
            {
                "agency_code": "H35.01.02",
                "agency_name": "Phòng 2",
                "unit_type": "phong-ban",
                "parent_code": A,
            },
        ],
    )
    ctx = context()
    privacy = Privacy(ctx.pseudonym_key)
    batch = normalise_documents([privacy.apply(d, PRIVACY) for d in DOCUMENTS], document_spec(ctx))
    land_batch(engine, "api-1", AS_OF, "qlvb", "documents", *batch[2:5], children=batch.children)
    run_models(engine)
    set_document_requirements(engine, 2025, _items(2025))


def _items_of(engine, requirement):
    return rows(
        engine,
        "SELECT item_code, status, code_number, promulgation_date, days_late"
        f" FROM marts.dd_qlvb_{requirement}_issued WHERE agency_code = :a AND {year_period(2025)}"
        " ORDER BY item_order",
        a=A,
    )


def _metric(engine, code):
    return rows(
        engine,
        "SELECT numerator, denominator, value FROM marts.metric_value"
        f" WHERE agency_code = :a AND metric_code = :m AND {year_period(2025)}",
        a=A,
        m=code,
    )[0]


def test_items_statuses_and_metrics_follow_the_rules_of_section_7(engine):
    _load(engine)
    compute_metrics(engine, 2025, AS_OF, AS_OF)

    assert _items_of(engine, "cchc_reports") == [
        ("q1", "on_time", "1", date(2025, 3, 13), -3),
        ("h1", "late", "10", date(2025, 6, 19), 3),
        ("q3", "pending", None, None, None),
        ("nam", "pending", None, None, None),
    ]
    assert _metric(engine, "qlvb.cchc_reports_on_time") == (1, 2, Decimal("0.5000"))
    assert _metric(engine, "qlvb.cchc_reports_issued") == (2, 2, Decimal("1.0000"))
    # in force: q1 (number 20) is replaced by q2; no deadline, so on time
    assert _items_of(engine, "functions_regulation") == [("qd", "on_time", "21", date(2025, 5, 1), None)]
    assert _items_of(engine, "inspection_plan") == [("kh", "missing", None, None, None)]
    assert _items_of(engine, "plan") == [("kh", "missing", None, None, None)]
    assert _metric(engine, "qlvb.plan_on_time") == (0, 1, Decimal("0.0000"))
    # §7.7: one of A's two divisions is named by the inspection notice t1
    assert _metric(engine, "qlvb.inspection_coverage") == (1, 2, Decimal("0.5000"))


def test_candidates_are_ranked_and_h1_lists_both_of_its(engine):
    _load(engine)
    compute_metrics(engine, 2025, AS_OF, AS_OF)

    assert rows(
        engine,
        "SELECT code_number, candidate_rank FROM marts.dd_qlvb_docreq_candidate"
        f" WHERE requirement_id = 'cchc_reports' AND item_code = 'h1' AND {year_period(2025)}"
        " ORDER BY candidate_rank",
    ) == [("10", 1), ("9", 2)]


def test_an_item_that_may_predate_the_first_extraction_is_unverifiable(engine):
    _load(engine)
    cursors.keep_first_start(engine, "qlvb", "documents:di", datetime(2024, 12, 15))
    cursors.keep_first_start(engine, "qlvb", "documents:di", datetime(2025, 3, 1))  # a later one: ignored
    compute_metrics(engine, 2025, AS_OF, AS_OF)

    assert _items_of(engine, "inspection_plan") == [("kh", "unverifiable", None, None, None)]
    assert _metric(engine, "qlvb.inspection_plan_on_time") == (0, 0, None)
    # the plan checks no coverage: still missing
    assert _items_of(engine, "plan") == [("kh", "missing", None, None, None)]


def test_after_the_year_pending_items_become_missing(engine):
    _load(engine)
    compute_metrics(engine, 2025, datetime(2026, 1, 10), datetime(2026, 1, 10))

    assert [status for _, status, *_ in _items_of(engine, "cchc_reports")] == [
        "on_time",
        "late",
        "missing",
        "missing",
    ]
    assert _metric(engine, "qlvb.cchc_reports_on_time") == (1, 4, Decimal("0.2500"))


# (direction, CodeNotation, TypeName) of register entries around the items' types KH and K_% (LIKE's wildcards
# taken literally) and TypeName "Tờ trình".
ENTRIES = [
    ("di", "KH-UBND", None),
    ("di", "2025/KH-UBND", None),
    (
        "di",
        "12/2025/KH-UBND",
        None,
    ),  # not a type segment of KH (no YYYY/ prefix), kept by the filter all the same
    ("di", "BKH-UBND", None),
    ("di", "KHX-UBND", None),
    ("di", "KH", None),
    ("den", "KH-UBND", None),
    ("di", "K_%-VP", None),
    ("di", "KA-VP", None),
    ("di", "KAB-VP", None),
    ("di", "UBND-VP", "Tờ trình"),
    ("di", "UBND-VP", "Công văn"),
    ("di", None, "Tờ trình"),
    ("di", None, None),
]


def test_the_candidate_filter_keeps_every_entry_rules_1_and_3_accept(engine):
    """The SQL filter may keep entries the rules reject, never the reverse: checked against
    `type_matches`, the rule itself, on entries with a year before the type and LIKE's wildcards."""
    items = [
        {"direction": "di", "matching": {"types": ["KH", "K_%"], "type_names": []}},
        {"direction": "di", "matching": {"types": [], "type_names": ["Tờ trình"]}},
    ]
    where, parameters = _candidate_filter(items)
    values = ", ".join(f"(:direction_{i}, :notation_{i}, :type_name_{i}, {i})" for i in range(len(ENTRIES)))
    for i, (direction, notation, type_name) in enumerate(ENTRIES):
        parameters |= {f"direction_{i}": direction, f"notation_{i}": notation, f"type_name_{i}": type_name}
    with engine.connect() as conn:
        kept = set(
            conn.execute(
                sa.text(
                    "SELECT position FROM (VALUES "
                    + values
                    + ") AS d (direction, code_notation, type_name, position) WHERE "
                    + where
                ),
                parameters,
            ).scalars()
        )
    accepted = {
        i
        for i, (direction, notation, type_name) in enumerate(ENTRIES)
        if any(
            direction == item["direction"]
            and type_matches(notation, type_name, item["matching"]["types"], item["matching"]["type_names"])
            for item in items
        )
    }
    assert accepted == {0, 1, 7, 10, 12}
    assert accepted <= kept
    # The wildcards are literal and the direction counts: these go.
    assert kept.isdisjoint({3, 4, 5, 6, 8, 9, 11, 13})
