"""Fixtures shared by the end-to-end tests: `sim`, the `small` simulation a source's module runs, and for the
all-sources resilience tests one `small` 2025 simulation with its HR and edXML folders and one clean run of
every source into DuckDB that the fault, kill and scan tests compare against (one run for all of them keeps
the suite's wall time down)."""

from pathlib import Path

import pytest

from simulators import Simulation
from tests.e2e.pipeline import run_against

FULL_YEAR = 2025


@pytest.fixture(scope="session")
def full_sim(tmp_path_factory) -> Simulation:
    """Never advanced: every test that uses it sees the same as-of time."""
    sim = Simulation(scale="small", year=FULL_YEAR, seed=0)
    files = tmp_path_factory.mktemp("full_files")
    sim.write_files(files / "hr", files / "edxml")
    return sim


@pytest.fixture(scope="session")
def full_clean_run(full_sim, tmp_path_factory) -> tuple[str, Path]:
    """(warehouse URL, work folder) of one fault-free run of all four sources."""
    work = tmp_path_factory.mktemp("full_clean")
    url = f"duckdb:///{work / 'warehouse.duckdb'}"
    outcome = run_against(full_sim, url, work)
    assert outcome.success, outcome.failed_steps + outcome.failed_checks
    return url, work


@pytest.fixture(scope="module")
def sim(request) -> Simulation:
    """The `small` simulation of the test module's `YEAR`, one per module: a module's tests share its runs."""
    return Simulation(scale="small", year=request.module.YEAR, seed=0)
