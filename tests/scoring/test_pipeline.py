"""`marts.criterion_score` and the scoring assets on a warehouse seeded with the hand-worked fixture (DuckDB,
and PostgreSQL when PARINDEX_TEST_POSTGRES_URL is set)."""

import csv
from decimal import Decimal

import pytest
import sqlalchemy as sa
from dagster import materialize
from openpyxl import load_workbook

import assets.scoring as scoring_assets
from assets.exports import compute_criterion_scores, export_year, write_manual_templates
from assets.resources import PipelineSettings, WarehouseResource
from tests.scoring import fixture
from tests.scoring.conftest import write_manual_csv
from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow

DOCUMENT_VIEW = """
CREATE VIEW marts.dd_qlvb_plan_on_time AS
SELECT * FROM (VALUES
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', '1888', 'KH-SNV', DATE '2025-12-30', 'Kế hoạch cải cách hành chính năm 2026 (bổ sung)', TRUE),
  ('H35.02', DATE '2026-01-01', DATE '2026-12-31', '1500', 'KH-SNV', DATE '2025-12-20', 'Kế hoạch cải cách hành chính năm 2026', TRUE),
  ('H35.02', DATE '2025-01-01', DATE '2025-12-31', '9', 'KH-SNV', DATE '2024-12-01', 'Kế hoạch cải cách hành chính năm 2025', TRUE)
) AS docs (agency_code, period_start, period_end, code_number, code_notation, promulgation_date, subject, in_numerator)
"""  # noqa: E501  (one row per line reads best)


# 4 agencies of so-ban-nganh × (48 nodes: 8 areas, 2 parent criteria, 38 leaves + TONG); X is a commune,
# not covered by the template.
ROWS = 4 * 49


def _seed(engine):
    with engine.begin() as conn:
        agencies = [
            {"agency_code": a.code, "agency_name": a.name, "unit_type": a.unit_type, "is_assessed": True}
            for a in fixture.AGENCIES
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


def test_export_year_writes_every_file(seeded, tmp_path):
    compute_criterion_scores(seeded, fixture.YEAR)
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
    sheet = load_workbook(tmp_path / "out/2026/H35.02/tu_danh_gia_2026.xlsx").active
    assert "20/11/2026" in sheet["A4"].value  # the metrics' as_of


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
