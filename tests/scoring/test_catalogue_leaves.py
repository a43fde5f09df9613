"""`marts.catalogue_leaf` (issue 10): every scored leaf of a catalogue with its rule's parameters as the YAML
file states them; the expected rows are read off the file written here."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from scoring.catalogue import load_catalogue
from scoring.catalogue_leaves import catalogue_leaf_rows
from warehouse import schema
from warehouse.catalogue_leaves import replace_catalogue_leaves

CATALOGUE = """\
id: test@1
name: Bộ thử
unit_types: [xa-phuong, so-ban-nganh]
areas:
  - code: "1"
    name: Lĩnh vực một
    children:
      - code: "1.1"
        name: Đúng hạn
        max_points: 4
        metric: dvc.on_time_rate
        rule: step
        parameters: {bands: [[1.00, 4], [0.95, 3], [0.80, 1]]}
        when_no_cases: not_applicable
      - code: "1.2"
        name: Không kỷ luật
        max_points: 1
        metric: hr.discipline_cases
        rule: binary
        parameters: {zero_is_pass: true}
        period: {start: "Y-1-12-15", end: "Y-12-14"}
        not_applicable_for: [xa-phuong]
      - code: "1.3"
        name: Xin lỗi
        max_points: 2
        placeholder: true
        metric: dvc.apology_rate
        rule: all_or_nothing
        when_no_cases: full
        full_requires_cases_of: dvc.on_time_rate
  - code: "2"
    name: Lĩnh vực hai
    children:
      - code: "2.1"
        name: Trực tuyến
        max_points: 3
        metric: dvc.online_rate
        rule: linear_capped
        parameters: {target: 0.50}
        evidence: drilldown
      - code: "2.2"
        name: Sáng kiến
        max_points: 2
        rule: manual
"""

COMMON = {"catalogue_id": "test@1", "catalogue_name": "Bộ thử", "unit_types": "so-ban-nganh,xa-phuong"}
NOTHING = {
    "bands": None,
    "target": None,
    "zero_is_pass": None,
    "full_requires_cases_of": None,
    "period_start": None,
    "period_end": None,
    "not_applicable_for": None,
    "placeholder": False,
}
EXPECTED = [
    {
        **COMMON,
        **NOTHING,
        "criterion_code": "1.1",
        "parent_code": "1",
        "level": "tieu_chi",
        "criterion_name": "Đúng hạn",
        "max_points": Decimal(4),
        "rule": "step",
        "metric_code": "dvc.on_time_rate",
        "bands": "[[1, 4], [0.95, 3], [0.8, 1]]",
        "when_no_cases": "not_applicable",
        "evidence": "drilldown",
    },
    {
        **COMMON,
        **NOTHING,
        "criterion_code": "1.2",
        "parent_code": "1",
        "level": "tieu_chi",
        "criterion_name": "Không kỷ luật",
        "max_points": Decimal(1),
        "rule": "binary",
        "metric_code": "hr.discipline_cases",
        "zero_is_pass": True,
        "when_no_cases": "missing",
        "period_start": "Y-1-12-15",
        "period_end": "Y-12-14",
        "evidence": "drilldown",
        "not_applicable_for": "xa-phuong",
    },
    {
        **COMMON,
        **NOTHING,
        "criterion_code": "1.3",
        "parent_code": "1",
        "level": "tieu_chi",
        "criterion_name": "Xin lỗi",
        "max_points": Decimal(2),
        "placeholder": True,
        "rule": "all_or_nothing",
        "metric_code": "dvc.apology_rate",
        "when_no_cases": "full",
        "full_requires_cases_of": "dvc.on_time_rate",
        "evidence": "drilldown",
    },
    {
        **COMMON,
        **NOTHING,
        "criterion_code": "2.1",
        "parent_code": "2",
        "level": "tieu_chi",
        "criterion_name": "Trực tuyến",
        "max_points": Decimal(3),
        "rule": "linear_capped",
        "metric_code": "dvc.online_rate",
        "target": Decimal("0.50"),
        "when_no_cases": "missing",
        "evidence": "drilldown",
    },
    {
        **COMMON,
        **NOTHING,
        "criterion_code": "2.2",
        "parent_code": "2",
        "level": "tieu_chi",
        "criterion_name": "Sáng kiến",
        "max_points": Decimal(2),
        "rule": "manual",
        "metric_code": None,
        "when_no_cases": None,
        "evidence": None,
    },
]


def _catalogue(tmp_path, text: str = CATALOGUE):
    path = tmp_path / "test@1.yaml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


def test_every_leaf_with_its_rule_parameters(tmp_path):
    assert catalogue_leaf_rows(_catalogue(tmp_path)) == EXPECTED


def test_the_rows_replace_their_catalogues_only(engine, tmp_path):
    computed_at = datetime(2026, 12, 7, 8, 30)
    other = [{**EXPECTED[0], "catalogue_id": "other@1"}]
    replace_catalogue_leaves(engine, ["other@1"], other, computed_at)
    replace_catalogue_leaves(engine, ["test@1"], EXPECTED[:2], computed_at)
    # A second load of test@1 (say, a corrected file under the same id) replaces its rows, not other@1's.
    assert (
        replace_catalogue_leaves(engine, ["test@1"], catalogue_leaf_rows(_catalogue(tmp_path)), computed_at)
        == 5
    )
    table = schema.catalogue_leaf
    with engine.connect() as conn:
        stored = [
            dict(r)
            for r in conn.execute(
                sa.select(table).order_by(table.c.catalogue_id, table.c.criterion_code)
            ).mappings()
        ]
    assert [(r["catalogue_id"], r["criterion_code"]) for r in stored] == [
        ("other@1", "1.1"),
        *(("test@1", row["criterion_code"]) for row in EXPECTED),
    ]
    assert stored[1:] == [{**row, "computed_at": computed_at} for row in EXPECTED]
