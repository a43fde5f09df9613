"""The QLVB source end to end: simulate `small` for 2025 (documents API and edXML folder), run the year
through the Dagster definitions over real HTTP, and compare every QLVB metric of every agency with the
independent oracle computed from the simulator's ground truth (tests/e2e/qlvb_oracle.py).

One clean run is shared by the tests of this module; the fault run compares its staging and marts with it."""

from datetime import datetime

import pytest

from assets.resources import QlvbSource
from simulators import Simulation
from tests.e2e.metric_values import year_metric_values
from tests.e2e.pipeline import BACKENDS, SHORT_RETRIES, query, run_against, snapshot, warehouse_for
from tests.e2e.qlvb_oracle import QLVB_METRICS, excluded_entries, qlvb_metrics_from_truth

YEAR = 2025
QLVB_TABLES = (
    "staging.stg_qlvb__document",
    "staging.stg_qlvb__edxml_package",
    "staging.stg_qlvb__signature",
    "staging.stg_qlvb__handling",
    "marts.fct_document",
    "marts.fct_document_handling",
)
# Raw and staging columns that legitimately differ between runs (load metadata, versions), and the package
# key, which ends with the file's content hash.
RUN_SPECIFIC = {"_batch_id", "_extracted_at", "_fetch_seq", "_version", "modified_at", "_parent_fetch_seq"}


def _qlvb(env: dict) -> QlvbSource:
    return QlvbSource(
        base_url=env["PARINDEX_QLVB_URL"],
        api_key=env["PARINDEX_QLVB_API_KEY"],
        edxml_dir=env["PARINDEX_EDXML_DIR"],
        **SHORT_RETRIES,
        max_retry_after_s=0.05,
        page_limit=200,
    )


def _run(work, url: str, faults: float, fault_seed: int = 0) -> tuple[Simulation, str]:
    sim = Simulation(scale="small", year=YEAR, seed=0)
    sim.write_files(work / "hr", work / "edxml", faults=faults)
    outcome = run_against(
        sim, url, work, faults=faults, fault_seed=fault_seed, resource_overrides={"qlvb": _qlvb}
    )
    assert outcome.success, outcome.failed_steps + outcome.failed_checks
    return sim, url


@pytest.fixture(scope="module", params=BACKENDS)
def clean_run(request, tmp_path_factory):
    work = tmp_path_factory.mktemp(f"qlvb_clean_{request.param}")
    with warehouse_for(request.param, work) as url:
        yield _run(work, url, faults=0.0)


def test_every_qlvb_metric_of_every_agency_equals_the_oracle(clean_run):
    sim, url = clean_run
    expected = qlvb_metrics_from_truth(
        sim.truth, YEAR, datetime(YEAR + 1, 1, 1), excluded_entries(sim.manifest(("qlvb",)))
    )
    actual = year_metric_values(url, "qlvb", YEAR)
    simulated = {agency for agency, _ in expected}
    assert len(simulated) >= 7
    # the §2 metrics; those of §7 have their own oracle (tests/e2e/test_docreq_oracle.py)
    assert {k: v for k, v in actual.items() if k[0] in simulated and k[1] in QLVB_METRICS} == expected
    assert any(value[1] for value in expected.values())  # not a trivially empty year


def test_edxml_files_merge_with_the_api_and_orphan_recalls_are_quarantined(clean_run):
    sim, url = clean_run
    manifest = sim.manifest(("qlvb",))
    both = {e["key"] for e in manifest if e["entity"] == "edxml" and e["quirk"] == "Q17"}
    merged = {
        row["document_key"]
        for row in query(url, "SELECT document_key FROM marts.fct_document WHERE in_api AND in_edxml")
    }
    assert both and both <= merged
    file_only = [r for r in sim.truth("documents") if r["id"] is None]
    count = query(url, "SELECT COUNT(*) AS n FROM marts.fct_document WHERE NOT in_api")[0]["n"]
    assert count == len(file_only)
    keys = {f"{r['MaDonViQuanLy']}|{r['direction']}|{r['DocumentId']}" for r in sim.truth("documents")}
    orphans = {
        e["key"] for e in manifest if e["entity"] == "edxml" and e["quirk"] == "Q10" and e["key"] not in keys
    }
    quarantined = {
        row["record_key"].split("#")[0]
        for row in query(
            url,
            "SELECT record_key FROM quarantine.rejected_record"
            " WHERE entity = 'edxml' AND reason_code = 'orphan_reference' AND released_at IS NULL",
        )
    }
    assert orphans and quarantined == orphans


def test_a_run_under_faults_ends_like_a_clean_run(clean_run, tmp_path):
    _, url = clean_run
    if not url.startswith("duckdb"):
        pytest.skip("faults are exercised on DuckDB; the PostgreSQL run covers the loaders")
    _, faulted_url = _run(tmp_path, f"duckdb:///{tmp_path / 'warehouse.duckdb'}", faults=0.05, fault_seed=1)
    clean = snapshot(url, QLVB_TABLES + ("marts.metric_value",), RUN_SPECIFIC | {"computed_at"})
    faulted = snapshot(faulted_url, QLVB_TABLES + ("marts.metric_value",), RUN_SPECIFIC | {"computed_at"})
    for table, frame in clean.items():
        assert frame.equals(faulted[table]), table
    rejected = {
        row["reason_code"]
        for row in query(
            faulted_url, "SELECT reason_code FROM quarantine.rejected_record WHERE entity = 'edxml'"
        )
    }
    assert {"xml_forbidden", "xml_malformed", "missing_required"} <= rejected
