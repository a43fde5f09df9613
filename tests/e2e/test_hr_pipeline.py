"""The HR source end to end: simulate `small` 2025 with its HR folder, run the year through the Dagster
definitions (the other sources unconfigured, so the run is HR's alone), and compare every HR metric of every
agency with the independent oracle computed from the simulator's ground truth (`hr_truth`, the clean rows of
every export), never from the warehouse. A second run over a folder written with faults (corrupt, misnamed
and incomplete workbooks, an unknown column) ends with the same HR marts and metrics; no name, ID number or
phone of the generated people is stored in clear, and no sensitive column exists."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from assets.resources import DvcSource, EcabinetSource, QlvbSource
from tests.e2e.hr_oracle import HR_METRICS, _int, hr_metrics_from_exports
from tests.e2e.metric_values import assert_equals_oracle, metric_values
from tests.e2e.pipeline import BACKENDS, query, run_against, warehouse_for
from tests.e2e.privacy_scan import clear_text_hits, sensitive_columns

YEAR = 2025
HR_ONLY = {"dvc": DvcSource(), "qlvb": QlvbSource(), "ecabinet": EcabinetSource()}
# Exports of months in the simulated period; fault files use months three years earlier (sources.md §6).
IN_PERIOD = f"export_month >= DATE '{YEAR - 1}-12-01'"
COMPARED = {
    "marts.fct_hr_export": "SELECT agency_code, export_month FROM marts.fct_hr_export",
    "marts.fct_hr_staff": "SELECT * FROM marts.fct_hr_staff",
    "marts.fct_hr_quota": "SELECT * FROM marts.fct_hr_quota",
    "marts.fct_hr_training": "SELECT * FROM marts.fct_hr_training",
    "marts.fct_hr_discipline": "SELECT * FROM marts.fct_hr_discipline",
    # The §4 metrics; the §8 criteria have their own oracle (test_hr_criteria_oracle.py).
    "metric_value": "SELECT agency_code, metric_code, numerator, denominator, value FROM marts.metric_value"
    f" WHERE metric_code IN ({', '.join(repr(code) for code in HR_METRICS)})",
}


@pytest.fixture(scope="module", params=BACKENDS)
def clean_run(request, sim, tmp_path_factory):
    work = tmp_path_factory.mktemp(f"hr_clean_{request.param}")
    sim.write_files(work / "hr", work / "edxml")
    with warehouse_for(request.param, work) as url:
        outcome = run_against(sim, url, work, resource_overrides=HR_ONLY)
        assert outcome.success, outcome.failed_steps + outcome.failed_checks
        yield url


def test_every_hr_metric_of_every_agency_equals_the_oracle(sim, clean_run):
    truth = sim.hr_truth()
    exports = [{"MaDonVi": f["agency"], "Thang": f["month"], **f} for f in truth]
    simulated = sorted({f["agency"] for f in truth})
    assert len(simulated) == 6  # the Office, 2 departments, 3 communes (sources.md §9)
    expected = hr_metrics_from_exports(exports, simulated, YEAR, datetime(YEAR + 1, 1, 1))
    actual = metric_values(clean_run, COMPARED["metric_value"])
    assert_equals_oracle(actual, expected)
    # Every simulated agency has a December export: all five metrics are defined.
    assert all(values[1] is not None for values in expected.values())
    assert {metric for _, metric in actual} == set(HR_METRICS)


def _count(n: int) -> str:
    """metrics.md §10.1: a thousands dot."""
    return f"{n:,}".replace(",", ".")


def _quota(exports: list[dict], agency: str) -> int:
    """BienCheCongChucGiao of the year in the agency's December export (the snapshot of a past year)."""
    december = next(e for e in exports if e["MaDonVi"] == agency and e["Thang"] == f"{YEAR}12")
    return next(
        _int(row["BienCheCongChucGiao"]) for row in december["BienChe"] if _int(row.get("Nam")) == YEAR
    )


def test_quota_and_discipline_explanations_follow_the_oracle(sim, clean_run):
    """metrics.md §10.3–10.4 on the template's 4.3 (binary, 1 point) and 5.5 (zero_is_pass, 1 point) of the
    simulated departments, written here from the oracle's counts and the exports' quota."""
    truth = sim.hr_truth()
    exports = [{"MaDonVi": f["agency"], "Thang": f["month"], **f} for f in truth]
    simulated = sorted({f["agency"] for f in truth})
    expected = hr_metrics_from_exports(exports, simulated, YEAR, datetime(YEAR + 1, 1, 1))
    rows = query(
        clean_run,
        "SELECT agency_code, criterion_code, risk_down, gain_up, fix_up, explanation"
        " FROM marts.criterion_score WHERE catalogue_id = 'template-so@2026.2'"
        " AND criterion_code IN ('4.3', '5.5')",
    )
    assert {row["agency_code"] for row in rows} & set(simulated)  # the departments are scored
    for row in rows:
        agency = row["agency_code"]
        if agency not in simulated:
            continue
        numbers = (row["risk_down"], row["gain_up"], row["fix_up"])
        if row["criterion_code"] == "4.3":
            c, q = expected[(agency, "hr.civil_servants")][0], _quota(exports, agency)
            head = f"Có {_count(c)} công chức/{_count(q)} biên chế được giao; "
            if c <= q:
                text = head + f"được 1,00/1,00 điểm. Thêm {_count(q - c + 1)} công chức sẽ vượt biên chế."
                assert numbers == (q - c + 1, None, None)
            else:
                text = head + f"được 0,00/1,00 điểm. Vượt {_count(c - q)} người."
                assert numbers == (None, None, c - q)
        else:
            n = expected[(agency, "hr.discipline_cases")][0]
            if n == 0:
                text = (
                    "0 quyết định kỷ luật trong kỳ; được 1,00/1,00 điểm. "
                    "Một quyết định kỷ luật sẽ mất 1,00 điểm."
                )
                assert numbers == (1, None, None)
            else:
                text = f"{n} quyết định kỷ luật trong kỳ; được 0,00/1,00 điểm."
                assert numbers == (None, None, None)
        assert row["explanation"] == text, (agency, row["criterion_code"])


def test_q15_rows_and_fault_free_files_are_quarantined_as_the_manifest_says(sim, clean_run):
    quarantined = query(clean_run, "SELECT locator, reason_code FROM quarantine.rejected_record")
    duplicates = {row["locator"] for row in quarantined if row["reason_code"] == "duplicate_person"}
    expected = {
        "{}#{}!R{}".format(*entry["key"].split("|"))
        for entry in sim.manifest(("hr",))
        if entry["quirk"] == "Q15"
    }
    assert expected and duplicates == expected
    strays = {row["locator"] for row in quarantined if row["reason_code"] == "bad_file_name"}
    assert strays == {
        e["key"] for e in sim.manifest(("hr",)) if e["quirk"] == "Q18" and not e["key"].startswith("~$")
    }


def test_no_personal_data_in_clear_and_no_sensitive_column(sim, clean_run):
    needles = ['"HoTen"', '"SoDienThoai"', '"QueQuan"', '"DanToc"', '"TonGiao"', '"NgayVaoDang"']
    for export in sim.hr_truth():
        for row in export["CanBo"]:
            needles += [str(row["HoTen"]), str(row["SoDinhDanhCaNhan"]), str(row["SoHieuCBCCVC"])]
            needles += [str(row["SoDienThoai"])] if row.get("SoDienThoai") else []
    engine = sa.create_engine(clean_run)
    try:
        assert clear_text_hits(engine, needles) == []
        assert sensitive_columns(engine) == []
    finally:
        engine.dispose()


def test_a_run_over_a_folder_with_fault_files_ends_like_the_clean_run(sim, clean_run, tmp_path):
    if not clean_run.startswith("duckdb"):
        pytest.skip("faults are exercised on DuckDB; the PostgreSQL run covers the loaders")
    sim.write_files(tmp_path / "hr", tmp_path / "edxml", faults=0.05)
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    outcome = run_against(sim, url, tmp_path, faults=0.05, resource_overrides=HR_ONLY)
    assert outcome.success, outcome.failed_steps + outcome.failed_checks
    for name, sql in COMPARED.items():
        where = f" WHERE {IN_PERIOD}" if name.startswith("marts.fct") else ""
        clean = sorted(map(repr, query(clean_run, sql + where)))
        faulted = sorted(map(repr, query(url, sql + where)))
        assert clean == faulted, name
    rejected = {
        row["reason_code"] for row in query(url, "SELECT reason_code FROM quarantine.rejected_record")
    }
    assert {"unreadable_file", "missing_sheet", "missing_column", "bad_file_name"} <= rejected
