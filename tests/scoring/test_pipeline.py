"""`marts.criterion_score` and the scoring assets on a warehouse seeded with the hand-worked fixture (DuckDB,
and PostgreSQL when PARINDEX_TEST_POSTGRES_URL is set)."""

import csv
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from dagster import materialize
from openpyxl import load_workbook

import assets.scoring as scoring_assets
from assets.exports import compute_criterion_scores, export_year, write_manual_templates
from assets.resources import PipelineSettings, WarehouseResource
from tests.scoring import fixture
from tests.scoring.conftest import write_manual_csv
from tests.scoring.test_exports import E_DOCUMENT_HEADER
from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow
from warehouse.tables_qlvb import fct_document

DOCUMENT_VIEW = """
CREATE VIEW marts.dd_qlvb_plan_on_time AS
SELECT * FROM (VALUES
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', '1888', 'KH-SNV', DATE '2025-12-30', 'Kế hoạch cải cách hành chính năm 2026 (bổ sung)', TRUE),
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', '1500', 'KH-SNV', DATE '2025-12-20', 'Kế hoạch cải cách hành chính năm 2026', TRUE),
  ('H35.02', DATE '2025-01-01', DATE '2025-12-31', '9', 'KH-SNV', DATE '2024-12-01', 'Kế hoạch cải cách hành chính năm 2025', TRUE)
) AS docs (agency_code, period_start, period_end, code_number, code_notation, promulgation_date, subject, in_numerator)
"""  # noqa: E501  (one row per line reads best)
# A's 7.1 (qlvb.e_document_rate, 190/200 in metric_value): two paper documents of 2026 listed in the view,
# one electronic, and one paper document of 2025 that the 2026 workbook must not show.
E_DOCUMENT_VIEW = """
CREATE VIEW marts.dd_qlvb_e_document_rate AS
SELECT * FROM (VALUES
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', 'QLVB:0002', 'den', FALSE),
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', 'QLVB:0001', 'di', FALSE),
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', 'QLVB:0003', 'di', TRUE),
  ('H35.02', DATE '2025-01-01', DATE '2025-12-31', 'QLVB:0009', 'di', FALSE)
) AS docs (agency_code, period_start, period_end, document_key, direction, in_numerator)
"""
PAPER_DOCUMENTS = [
    {
        "document_key": "QLVB:0001",
        "code_number": "=1+2",
        "code_notation": "CV-SNV",
        "promulgation_date": "2026-03-02",
    },
    {
        "document_key": "QLVB:0002",
        "code_number": "15",
        "code_notation": "UBND-VX",
        "promulgation_date": "2026-04-09",
    },
]


# 4 agencies of so-ban-nganh × (48 nodes: 8 areas, 2 parent criteria, 38 leaves + TONG); X is a commune,
# not covered by the template.
ROWS = 4 * 49


def _seed(engine):
    with engine.begin() as conn:
        agencies = [
            {"agency_code": "H35", "agency_name": "Ủy ban nhân dân tỉnh Lai Châu", "unit_type": "ubnd-tinh"},
            *(
                {
                    "agency_code": a.code,
                    "agency_name": a.name,
                    "unit_type": a.unit_type,
                    "parent_code": "H35",
                    "is_assessed": True,
                }
                for a in fixture.AGENCIES
            ),
        ]
        load_arrow(conn, schema.dim_agency, rows_to_arrow(schema.dim_agency, agencies))
        values = [{**row, "year": fixture.YEAR, "as_of": fixture.AS_OF} for row in fixture.METRIC_ROWS]
        load_arrow(conn, schema.metric_value, rows_to_arrow(schema.metric_value, values))
        conn.execute(
            sa.insert(schema.metric_period).values(
                year=fixture.YEAR,
                period_start=fixture.START,
                period_end=fixture.END,
                period_start_at=fixture.AS_OF.replace(month=1, day=1, hour=0, minute=0),
                period_end_at=fixture.AS_OF,
                as_of=fixture.AS_OF,
            )
        )
        conn.execute(sa.text(DOCUMENT_VIEW))
        conn.execute(sa.text(E_DOCUMENT_VIEW))
        documents = [
            {**d, "promulgation_date": date.fromisoformat(d["promulgation_date"])} for d in PAPER_DOCUMENTS
        ]
        conn.execute(
            sa.insert(fct_document), [{**d, "agency_code": "H35.02", "direction": "di"} for d in documents]
        )


@pytest.fixture
def seeded(engine, tmp_path, monkeypatch):
    _seed(engine)
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PARINDEX_MANUAL_DIR", str(tmp_path / "manual"))
    monkeypatch.setenv("PARINDEX_CATALOGUE", "template-so@2026.1")
    write_manual_csv(tmp_path / "manual", fixture.A.code, fixture.MANUAL_CSV_A)
    return engine


def _stored(engine) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.criterion_score)).mappings()
        return {(r["agency_code"], r["criterion_code"]): dict(r) for r in rows}


def test_criterion_score_holds_the_hand_worked_scores_and_a_rerun_replaces_them(seeded):
    summary = compute_criterion_scores(seeded, fixture.YEAR)
    assert summary.rows == ROWS
    stored = _stored(seeded)
    for code, (score, status) in fixture.A_LEAVES.items():
        assert (stored[("H35.02", code)]["score"], stored[("H35.02", code)]["status"]) == (score, status)
    total = stored[("H35.02", "TONG")]
    assert (total["score"], total["max_points"], total["metric_value"]) == (
        Decimal("31.42"),
        Decimal("100"),
        fixture.A_INDEX,
    )
    assert stored[("H35.02", "1.1")]["evidence"] == fixture.A_PLAN_EVIDENCE  # from the view, 2026 rows only
    assert stored[("H35.03", "TONG")]["metric_value"] == fixture.B_INDEX
    assert stored[("H35.02", "1.1")]["computed_at"] is not None
    assert compute_criterion_scores(seeded, fixture.YEAR).rows == ROWS
    assert len(_stored(seeded)) == ROWS


QUOTA_VIEW = """
CREATE VIEW marts.dd_hr_within_quota AS
SELECT * FROM (VALUES ('H35.02', DATE '2026-01-01', DATE '2026-12-31', 38, 40))
  AS quota (agency_code, period_start, period_end, civil_servants, civil_servant_quota)
"""


def test_explanations_are_stored_and_exported(seeded, tmp_path):
    """metrics.md §10 through the warehouse: 4.3 reads the quota from its drill-down view (38 of 40: 3 more
    would exceed it); 7.1 is 190/200 (tests/scoring/test_scorecard.py works its numbers out)."""
    with seeded.begin() as conn:
        conn.execute(sa.text(QUOTA_VIEW))
    compute_criterion_scores(seeded, fixture.YEAR)
    stored = _stored(seeded)
    quota = stored[("H35.02", "4.3")]
    assert quota["explanation"] == (
        "Có 38 công chức/40 biên chế được giao; được 1,00/1,00 điểm. Thêm 3 công chức sẽ vượt biên chế."
    )
    assert (quota["risk_down"], quota["gain_up"], quota["fix_up"]) == (3, None, None)
    assert (stored[("H35.02", "7.1")]["risk_down"], stored[("H35.02", "7.1")]["fix_up"]) == (12, 10)
    export_year(fixture.YEAR, str(tmp_path / "out"))
    scorecard = list(
        csv.DictReader((tmp_path / "out/2026/scorecard.csv").read_text("utf-8-sig").splitlines())
    )
    row = next(r for r in scorecard if (r["agency_code"], r["criterion_code"]) == ("H35.02", "7.1"))
    assert (row["risk_down"], row["gain_up"], row["fix_up"]) == ("12", "199800", "10")
    assert row["explanation"].startswith("Đạt 95,00% (190/200 văn bản điện tử)")


def test_a_bad_manual_file_leaves_only_its_agencys_manual_criteria_missing(seeded, tmp_path):
    # Before: one agency's bad file raised ManualInputError and stopped the scoring of every agency.
    bad_rows = "1.2.1,abc,,\n1.3,9,,\n"  # 1.3 is worth 2 points (template-so@2026.1)
    write_manual_csv(tmp_path / "manual", fixture.B.code, "criterion_code,score,evidence,note\n" + bad_rows)
    summary = compute_criterion_scores(seeded, fixture.YEAR)
    assert summary.rows == ROWS and list(summary.manual_errors) == [fixture.B.code]
    stored = _stored(seeded)
    for code, (score, status) in fixture.A_LEAVES.items():
        assert (stored[("H35.02", code)]["score"], stored[("H35.02", code)]["status"]) == (score, status)
    # B had no manual entry anyway: its computed leaves and its index are the hand-worked ones.
    assert stored[("H35.03", "TONG")]["metric_value"] == fixture.B_INDEX
    leaf = stored[("H35.03", "1.2.1")]
    assert (leaf["score"], leaf["status"]) == (None, "missing")
    assert "tệp nhập liệu 2026/H35.03 có lỗi" in leaf["note"]
    # Both problems, on one line.
    assert "H35.03.csv: row 2, field score: not a number: 'abc'; " in leaf["note"]
    assert "H35.03.csv: row 3, field score: 9 is outside 0..2" in leaf["note"] and "\n" not in leaf["note"]


def test_export_year_writes_every_file(seeded, tmp_path, monkeypatch):
    compute_criterion_scores(seeded, fixture.YEAR)
    # The export date is the local date of PARINDEX_TIMEZONE (issue 10), not the machine's or UTC's: a zone
    # 14 hours ahead of UTC is a day ahead of UTC for 14 hours of every day.
    monkeypatch.setenv("PARINDEX_TIMEZONE", "Pacific/Kiritimati")
    local_day = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    paths = export_year(fixture.YEAR, str(tmp_path / "out"))
    names = sorted(str(p.relative_to(tmp_path / "out")) for p in paths)
    assert names == sorted(
        [
            "2026/metrics.csv",
            "2026/scorecard.csv",
            "2026/xep_hang.csv",
            "2026/xep_hang.xlsx",
            *(f"2026/{a.code}/tu_danh_gia_2026.xlsx" for a in (fixture.A, fixture.B, fixture.C, fixture.D)),
        ]
    )
    scorecard = list(
        csv.DictReader((tmp_path / "out/2026/scorecard.csv").read_text("utf-8-sig").splitlines())
    )
    assert len(scorecard) == ROWS
    assert [r["criterion_code"] for r in scorecard[:3]] == [
        "1",
        "1.1",
        "1.2",
    ]  # catalogue order, not text order
    workbook = load_workbook(tmp_path / "out/2026/H35.02/tu_danh_gia_2026.xlsx")
    sheet = workbook.active
    # The metrics' as_of, already local in the warehouse, and the export date.
    assert sheet["A8"].value.startswith(
        f"Số liệu tính đến 08:30 ngày 20/11/2026; xuất ngày {local_day:%d/%m/%Y}."
    )
    # The issuing body above the agency: its parent in dim_agency; the place: the deployment's place_name.
    assert (sheet["A1"].value, sheet["A2"].value) == ("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", "SỞ NỘI VỤ")
    assert sheet["E3"].value.startswith("Lai Châu, ngày")
    # 7.1 is below its maximum: the 2026 paper documents of the view, in key order, with their numbers.
    evidence = [[c.value for c in row] for row in workbook["Phụ lục kiểm chứng"].iter_rows()]
    heading = next(i for i, row in enumerate(evidence) if str(row[0]).startswith("Mục 7.1."))
    assert evidence[heading + 1][0] == "Nguồn QLVB: 2 bản ghi làm giảm điểm."
    assert evidence[heading + 2][:6] == E_DOCUMENT_HEADER
    assert evidence[heading + 3][:6] == [1, "QLVB:0001", "di", "=1+2", "CV-SNV", "02/03/2026"]
    assert evidence[heading + 4][:6] == [2, "QLVB:0002", "den", "15", "UBND-VX", "09/04/2026"]
    assert len(evidence) == heading + 5  # the other metrics have no view here: no other section


def test_communes_get_a_workbook_through_qd766(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_CATALOGUE", "template-so@2026.1,qd766@2022")
    compute_criterion_scores(seeded, fixture.YEAR)
    paths = export_year(fixture.YEAR, str(tmp_path / "out"))
    commune = tmp_path / "out" / "2026" / fixture.X.code / "tu_danh_gia_2026.xlsx"
    assert commune in paths
    assert load_workbook(commune).sheetnames[0] == "qd766@2022"


def test_manual_templates_for_the_scored_agencies_keep_existing_files(seeded, tmp_path):
    result = write_manual_templates(fixture.YEAR)
    # A already has its (csv) file, but the template is .xlsx: the four sở get one each, X none.
    assert sorted(p.name for p in result.written) == [
        f"{a.code}.xlsx" for a in (fixture.A, fixture.B, fixture.C, fixture.D)
    ]
    again = write_manual_templates(fixture.YEAR, [fixture.B.code])
    assert again.written == [] and [p.name for p in again.kept] == ["H35.03.xlsx"]


def _resources(engine, tmp_path):
    return {
        "warehouse": WarehouseResource(url=engine.url.render_as_string(hide_password=False)),
        "settings": PipelineSettings(export_dir=str(tmp_path / "exports")),
    }


def test_scoring_assets_materialise_the_partition(seeded, tmp_path):
    result = materialize(
        scoring_assets.SCORING_ASSETS, resources=_resources(seeded, tmp_path), partition_key=str(fixture.YEAR)
    )
    assert result.success
    assert len(_stored(seeded)) == ROWS
    folder = tmp_path / "exports" / "2026"
    assert (folder / "scorecard.csv").exists() and (folder / "xep_hang.xlsx").exists()
    assert (folder / "H35.05" / "tu_danh_gia_2026.xlsx").exists()
    assert (folder / "bao_cao" / "index.html").exists()  # the report asset runs with the exports
    # The template's 38 leaves, each with its rule; 3.3's bands as the YAML file lists them.
    leaf = schema.catalogue_leaf
    with seeded.connect() as conn:
        leaves = {
            r.criterion_code: r
            for r in conn.execute(sa.select(leaf).where(leaf.c.catalogue_id == "template-so@2026.1"))
        }
    assert len(leaves) == 38
    assert (leaves["3.3"].rule, leaves["3.3"].bands) == ("step", "[[1, 4], [0.95, 3], [0.9, 2], [0.8, 1]]")


def test_scoring_waits_for_the_blocking_checks(seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(
        scoring_assets, "failed_blocking_checks", lambda engine, run_id: ["marts.fct_dossier: x"]
    )
    result = materialize(
        scoring_assets.SCORING_ASSETS,
        resources=_resources(seeded, tmp_path),
        partition_key=str(fixture.YEAR),
        raise_on_error=False,
    )
    assert not result.success
    assert _stored(seeded) == {}
    assert not (tmp_path / "exports").exists()
