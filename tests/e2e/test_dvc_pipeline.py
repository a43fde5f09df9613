"""The DVC source end to end: simulate `small` for 2025, run the year through the Dagster definitions
over real HTTP, and compare every DVC metric of every agency with the independent oracle computed from
the simulator's own generated records (tests/e2e/dvc_oracle.py), not from the warehouse.

One clean run per warehouse is shared by the tests of this module; the fault runs and the rerun compare
against it."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from scoring.catalogue import resolve_catalogue
from scoring.scorecard import ZERO_NOTE, Agency, build_scorecards
from simulators import Simulation
from tests.e2e.dvc_oracle import DVC_METRICS, dvc_metrics_from_truth
from tests.e2e.dvc_portal_oracle import PORTAL_METRICS, dvc_portal_metrics_from_truth
from tests.e2e.metric_values import assert_equals_oracle, year_values_of
from tests.e2e.pipeline import BACKENDS, query, run_against, snapshot, warehouse_for

YEAR = 2025
# Quirks whose records the pipeline must quarantine rather than normalise (sources.md §7).
QUARANTINING_QUIRKS = {"Q6": "date_order", "Q7": "unknown_code", "Q12": "orphan_reference"}


@pytest.fixture(scope="module", params=BACKENDS)
def clean_run(request, sim, tmp_path_factory):
    """(warehouse URL, work folder) of one fault-free run of the simulated year."""
    work = tmp_path_factory.mktemp(f"clean_{request.param}")
    with warehouse_for(request.param, work) as url:
        outcome = run_against(sim, url, work)
        assert outcome.success, outcome.failed_steps + outcome.failed_checks
        yield url, work


def _quarantined_keys(sim: Simulation, entity: str) -> set[str]:
    return {
        entry["key"]
        for entry in sim.manifest()
        if entry["entity"] == entity and entry["quirk"] in QUARANTINING_QUIRKS
    }


def _oracle_options(sim: Simulation) -> dict:
    """The run's year, as of the morning after, without the records the pipeline must quarantine."""
    return {
        "year": YEAR,
        "as_of": datetime(YEAR + 1, 1, 1),
        "excluded_dossiers": _quarantined_keys(sim, "ho-so"),
        "excluded_pakn": _quarantined_keys(sim, "pakn"),
    }


def test_every_dvc_metric_of_every_agency_equals_the_oracle(sim, clean_run):
    url, _ = clean_run
    expected = dvc_metrics_from_truth(sim.truth, **_oracle_options(sim))
    simulated = {agency for agency, _ in expected}
    assert len(simulated) >= 7  # the Office, 2 departments, 3 communes and the district of 2025
    assert_equals_oracle(year_values_of(url, DVC_METRICS, YEAR), expected)


def test_every_decision_766_metric_of_every_agency_equals_the_oracle(sim, clean_run):
    """metrics.md §11.1: the oracle re-implements each formula over the simulator's generated records
    (tests/e2e/dvc_portal_oracle.py), with the working days of its ngay-nghi calendar."""
    url, _ = clean_run
    expected = dvc_portal_metrics_from_truth(sim.truth, **_oracle_options(sim))
    actual = year_values_of(url, PORTAL_METRICS, YEAR)
    simulated = {agency for agency, _ in expected}
    assert {k: v for k, v in actual.items() if k[0] in simulated} == expected
    # Every metric has cases somewhere, so that no formula is checked on empty populations only.
    for metric in PORTAL_METRICS:
        assert any(expected[(agency, metric)][1] for agency in simulated), metric


def test_qd766_2026_scores_the_run_as_the_portal_does(sim, clean_run):
    """Leaf 2.1 (20 points, proportional, when_no_cases zero: metrics.md §11.2, §9.1, §9.4) from the run's
    metric rows: 20 × the oracle's dvc.progress_rate, half-up to 2 decimals, or 0 with the portal's note; an
    agency without DVC data gets no row of the catalogue (§13.8)."""
    url, _ = clean_run
    expected = dvc_portal_metrics_from_truth(sim.truth, **_oracle_options(sim))
    metric_rows = query(
        url,
        f"SELECT * FROM marts.metric_value WHERE year = {YEAR}"
        " AND period_start = make_date(year, 1, 1) AND period_end = make_date(year, 12, 31)",
    )
    agencies = [
        Agency(row["agency_code"], row["agency_name"], row["unit_type"])
        for row in query(
            url, "SELECT agency_code, agency_name, unit_type FROM marts.dim_agency WHERE is_assessed"
        )
    ]
    rows = build_scorecards([resolve_catalogue("qd766@2026")], agencies, YEAR, metric_rows)
    progress = {row["agency_code"]: row for row in rows if row["criterion_code"] == "2.1"}
    with_data = {
        agency
        for (agency, code), (_, n, _) in expected.items()
        if code == "dvc.progress_rate" and n is not None
    }
    assert set(progress) == with_data and with_data
    for agency, row in progress.items():
        _, denominator, value = expected[(agency, "dvc.progress_rate")]
        if denominator:
            assert row["score"] == (20 * value).quantize(Decimal("0.01"), ROUND_HALF_UP), agency
        else:
            assert (row["score"], row["note"]) == (Decimal("0.00"), ZERO_NOTE), agency


def test_records_broken_by_quirks_are_quarantined_with_their_reason(sim, clean_run):
    url, _ = clean_run
    quarantined = {
        (row["entity"], row["record_key"], row["reason_code"])
        for row in query(url, "SELECT entity, record_key, reason_code FROM quarantine.rejected_record")
    }
    expected = {
        (entry["entity"], entry["key"], QUARANTINING_QUIRKS[entry["quirk"]])
        for entry in sim.manifest()
        if entry["quirk"] in QUARANTINING_QUIRKS
    }
    assert expected, "the small simulation should carry quarantining quirks"
    assert expected <= quarantined
    counts = {quirk: sum(1 for e in sim.manifest() if e["quirk"] == quirk) for quirk in QUARANTINING_QUIRKS}
    print("quarantining quirks in the manifest:", counts)


def test_a_second_run_changes_nothing(sim, clean_run):
    url, work = clean_run
    before = snapshot(url, drop={"computed_at"})
    outcome = run_against(sim, url, work)
    assert outcome.success
    after = snapshot(url, drop={"computed_at"})
    for table, frame in before.items():
        assert frame.equals(after[table]), table


@pytest.mark.parametrize("fault_seed", [1, 2])
def test_a_run_under_faults_ends_like_a_clean_run(sim, clean_run, tmp_path, fault_seed):
    url, work = clean_run
    if not url.startswith("duckdb"):
        pytest.skip("faults are exercised on DuckDB; the PostgreSQL run covers the loaders")
    faulted_url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    outcome = run_against(sim, faulted_url, tmp_path, faults=0.05, fault_seed=fault_seed)
    assert outcome.success, outcome.failed_steps
    clean, faulted = snapshot(url), snapshot(faulted_url)
    for table, frame in clean.items():
        assert frame.equals(faulted[table]), table
    clean_csv = (work / "exports" / str(YEAR) / "metrics.csv").read_bytes()
    assert clean_csv == (tmp_path / "exports" / str(YEAR) / "metrics.csv").read_bytes()
