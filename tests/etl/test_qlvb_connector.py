"""The QLVB connector against the simulator over real HTTP on 127.0.0.1, with faults on (sources.md §6):
every register entry of the ground truth arrives once the traversal ends, whatever the transport did, and
every edXML fault file is refused with its reason while the real packages load."""

import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.files import list_folder
from etl.http import RetryPolicy
from etl.qlvb.client import QlvbClient, QlvbSettings
from etl.qlvb.context import QlvbContext
from etl.qlvb.extract import QlvbExtractor
from etl.qlvb.files import LOADED, QUARANTINED, EdxmlReader
from simulators import Simulation, SimulatorServer

FAST = RetryPolicy(
    base_delay=0.01, max_delay=0.05, connect_timeout=2.0, read_timeout=0.4, max_retry_after=0.05
)


@pytest.fixture(scope="module")
def sim():
    return Simulation(scale="small", year=2025, seed=3)


def _context(sim) -> QlvbContext:
    return QlvbContext(
        b"connector-test", AgencyResolver.from_rows(sim.truth("don-vi")), CodeMappings.load("qlvb")
    )


# The lower bound of the traversals below. The simulator's register also holds entries modified before it
# (decisions of earlier years, plans of the autumn before: metrics.md §12), which a read with `modifiedSince`
# never returns (sources.md §3.2).
SINCE = datetime(2024, 12, 1)


def _truth_keys(sim) -> set[str]:
    """The truth's register entries modified at or after SINCE (ModifiedAt is local time, +07:00)."""
    return {
        f"{r['MaDonViQuanLy']}|{r['direction']}|{r['DocumentId']}"
        for r in sim.truth("documents")
        if r["id"] and datetime.fromisoformat(r["ModifiedAt"]).replace(tzinfo=None) >= SINCE
    }


def test_a_faulted_traversal_of_both_directions_gets_every_entry(sim):
    with SimulatorServer(sim, faults=0.3, fault_seed=4, timeout_hold_s=0.6) as server:
        env = server.env
        client = QlvbClient(QlvbSettings(env["PARINDEX_QLVB_URL"], env["PARINDEX_QLVB_API_KEY"]), FAST)
        extractor = QlvbExtractor(client, _context(sim), limit=100)
        keys, quarantined = set(), set()
        for direction in ("di", "den"):
            for batch in extractor.extract(direction, None, SINCE):
                keys |= set(batch.rows.column("_key").to_pylist())
                quarantined |= set(batch.quarantine.column("record_key").to_pylist())
            assert extractor.new_watermark is not None
        client.close()
        faults = Counter(
            fault for (_, _, path, _), fault in server.fault_history if "/qlvb/" in path and fault
        )

    assert keys == _truth_keys(sim)  # Q2-Q5 cleaned into the truth's keys; nothing lost, nothing extra
    assert quarantined <= keys  # only handling entries (Q7) are quarantined, their documents load
    assert faults["cursor_expired"] > 0 and extractor.restarts == faults["cursor_expired"]
    assert sum(faults.values()) > faults["cursor_expired"]


def test_expired_cursors_restart_from_the_greatest_modified_at(sim):
    # Every cursor expires at once: each page is followed by a restart, and the traversal still ends.
    with SimulatorServer(sim, cursor_ttl_s=0) as server:
        env = server.env
        client = QlvbClient(QlvbSettings(env["PARINDEX_QLVB_URL"], env["PARINDEX_QLVB_API_KEY"]), FAST)
        extractor = QlvbExtractor(client, _context(sim), limit=200)
        keys = {
            key for batch in extractor.extract("di", None, SINCE) for key in batch.rows["_key"].to_pylist()
        }
        client.close()

    assert keys == {key for key in _truth_keys(sim) if key.split("|")[1] == "di"}
    assert extractor.restarts > 0


def test_edxml_fault_files_are_refused_and_real_packages_load(sim):
    folder = Path(tempfile.mkdtemp()) / "edxml"
    sim.write_files(folder.parent / "hr", folder, faults=0.05)
    reasons, loaded = Counter(), 0
    for _, outcomes in EdxmlReader(_context(sim)).read(list_folder(folder, {})):
        for outcome in outcomes:
            if outcome.status == LOADED:
                loaded += 1
            else:
                assert outcome.status == QUARANTINED, outcome
                reasons[outcome.reason_code] += 1

    # Seven fault variants (sources.md §6): four hostile, two malformed, one without DocumentId.
    assert reasons["xml_forbidden"] >= 4
    assert reasons["xml_malformed"] >= 2
    assert reasons["missing_required"] >= 1
    clean = Path(tempfile.mkdtemp()) / "edxml"
    sim.write_files(clean.parent / "hr", clean, faults=0.0)
    assert loaded == len(list(clean.iterdir()))  # every real package, and only those
