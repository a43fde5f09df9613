"""The E-CABINET connector over real HTTP against the simulator (small, 2025), with faults off and on.

Faults change the transport, never the data (sources.md §6, §1.11): the staged content per key must equal
that of a fault-free extraction, compared without version columns.
"""

from datetime import datetime

import pyarrow as pa
import pytest

from etl.agency_codes import AgencyResolver, load_agency_config
from etl.code_mappings import CodeMappings
from etl.ecabinet.client import EcabinetClient
from etl.ecabinet.context import EcabinetContext
from etl.ecabinet.entities import ENTITIES
from etl.ecabinet.extract import EcabinetExtractor
from etl.ecabinet.normalise import POLL_MEMBERS
from etl.ecabinet.settings import EcabinetSettings
from etl.http import RetryPolicy

try:
    from simulators import Simulation, SimulatorServer
except ImportError:  # the simulator is built by another engineer; these tests run once it exists
    pytest.skip("simulators.Simulation / SimulatorServer not available yet", allow_module_level=True)

YEAR = 2025
START = datetime(YEAR - 1, 12, 1)
OWNER = "H35.01"
# Short delays, and a read timeout well under the simulator's held responses.
POLICY = RetryPolicy(
    base_delay=0.01, max_delay=0.05, connect_timeout=1.0, read_timeout=0.5, max_retry_after=0.1
)
RUN_SPECIFIC = ["_version", "updated_at", "_fetch_seq", "_parent_fetch_seq"]


@pytest.fixture(scope="module")
def simulation():
    sim = Simulation(scale="small", year=YEAR, seed=0)
    try:
        sim.truth("cuoc-hop")
    except KeyError:
        pytest.skip("the simulation has no E-CABINET source yet")
    return sim


def _env(server) -> dict:
    env = server.env
    if "PARINDEX_ECABINET_URL" not in env:
        pytest.skip("the simulator does not serve E-CABINET yet")
    return env


class CountingClient(EcabinetClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_requests = 0

    def meeting(self, code):
        self.detail_requests += 1
        return super().meeting(code)


def _context() -> EcabinetContext:
    return EcabinetContext(
        b"test-key", AgencyResolver.from_rows(load_agency_config()), CodeMappings.load("ecabinet")
    )


def extract(env: dict, known=None, watermarks=None, page_size=7, max_window=50_000):
    """Every entity's batches; returns ({entity: [batches]}, {entity: new watermark}, client)."""
    settings = EcabinetSettings(
        env["PARINDEX_ECABINET_URL"], env["PARINDEX_ECABINET_USER"], env["PARINDEX_ECABINET_PASSWORD"], OWNER
    )
    client = CountingClient(settings, POLICY)
    batches, marks = {}, {}
    try:
        for entity in ENTITIES:
            extractor = EcabinetExtractor(
                client, _context(), known if entity == "cuoc-hop" else None, page_size, max_window=max_window
            )
            batches[entity] = list(extractor.extract(entity, (watermarks or {}).get(entity), START))
            marks[entity] = extractor.new_watermark
            assert extractor.missing_details == []
    finally:
        client.close()
    return batches, marks, client


def staged(batches) -> tuple[pa.Table, pa.Table | None]:
    """What staging would hold: the latest (version, fetch order) row per key, and its child rows."""
    rows = pa.concat_tables([b.rows for b in batches])
    winners = {}
    for row in rows.to_pylist():
        key = row["_key"]
        if key not in winners or (row["_version"], row["_fetch_seq"]) >= (
            winners[key]["_version"],
            winners[key]["_fetch_seq"],
        ):
            winners[key] = row
    table = pa.Table.from_pylist(sorted(winners.values(), key=lambda r: r["_key"]), schema=rows.schema)
    children = [b.children[POLL_MEMBERS] for b in batches if POLL_MEMBERS in b.children]
    if not children:
        return table.drop_columns([c for c in RUN_SPECIFIC if c in table.column_names]), None
    parents = {(r["_key"], r["_fetch_seq"]) for r in winners.values()}
    members = [
        m
        for m in pa.concat_tables(children).to_pylist()
        if (m["_parent_key"], m["_parent_fetch_seq"]) in parents
    ]
    members.sort(key=lambda m: (m["_parent_key"], m["member_id"]))
    member_table = pa.Table.from_pylist(members, schema=children[0].schema).drop_columns(
        ["_parent_fetch_seq"]
    )
    return table.drop_columns([c for c in RUN_SPECIFIC if c in table.column_names]), member_table


@pytest.fixture(scope="module")
def clean(simulation):
    with SimulatorServer(simulation, port=0) as server:
        batches, marks, client = extract(_env(server))
    return {entity: staged(b) for entity, b in batches.items()}, batches, marks, client.detail_requests


def test_a_clean_extraction_stages_every_record_of_the_truth(simulation, clean):
    tables, batches, marks, _ = clean
    for entity in ENTITIES:
        truth_keys = sorted(r["ma"] for r in simulation.truth(entity))
        assert tables[entity][0].column("_key").to_pylist() == truth_keys, entity
        assert sum(b.quarantine.num_rows for b in batches[entity]) == 0, entity
        assert marks[entity] is not None
    meetings = {r["_key"]: r for r in tables["cuoc-hop"][0].to_pylist()}
    for record in simulation.truth("cuoc-hop"):
        paper = any(doc["kenh"] == "giấy" for doc in record["taiLieu"])
        row = meetings[record["ma"]]
        assert row["detail_fetched"] is True
        assert row["is_paperless"] is (record["khongGiay"] and not paper)
        assert row["document_count"] == len(record["taiLieu"])
    members = tables["phieu-lay-y-kien"][1]
    assert members.num_rows == sum(len(r["thanhVien"]) for r in simulation.truth("phieu-lay-y-kien"))
    agencies = set(tables["nhiem-vu"][0].column("agency_code").to_pylist())
    assert agencies and all(code.startswith("H35.") for code in agencies)


@pytest.mark.parametrize("fault_seed", [1, 2])
def test_faults_change_nothing_that_is_staged(simulation, clean, fault_seed):
    tables = clean[0]
    with SimulatorServer(simulation, port=0, faults=0.05, fault_seed=fault_seed, timeout_hold_s=2) as server:
        batches, _, _ = extract(_env(server), max_window=20)
    for entity, b in batches.items():
        rows, members = staged(b)
        assert rows.equals(tables[entity][0]), entity
        if members is not None:
            assert members.equals(tables[entity][1]), entity


def test_a_second_run_fetches_no_detail_it_already_has(simulation, clean):
    tables, _, marks, first_detail_requests = clean
    assert first_detail_requests >= tables["cuoc-hop"][0].num_rows
    known = {
        row["_key"]: row["_version"]
        for batch in clean[1]["cuoc-hop"]
        for row in batch.rows.select(["_key", "_version"]).to_pylist()
    }
    with SimulatorServer(simulation, port=0) as server:
        batches, second_marks, client = extract(_env(server), known=known, watermarks=marks)
    assert client.detail_requests == 0
    assert sum(b.rows.num_rows for b in batches["cuoc-hop"]) == 0
    assert all(second_marks[e] >= marks[e] for e in ENTITIES)
