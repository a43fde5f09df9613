"""The extraction workflow (`etl.source.run_extraction`) without Dagster and without a warehouse: a fake
source and an in-memory warehouse show what it lands under which batch id, which cursors it reads and moves,
what it releases from quarantine and what it reports; then DVC through the workflow against the simulator.

Expected values are worked out by hand from the fakes below, or taken from the simulator's generated
records (`Simulation.truth`, `Simulation.manifest`)."""

from datetime import datetime, timedelta

import orjson
import pyarrow as pa
import pytest

from etl.agency_codes import AgencyResolver, load_agency_config
from etl.batch import ExtractBatch
from etl.code_mappings import CodeMappings
from etl.dvc.context import DvcContext, ProcedureCodes
from etl.dvc.entities import privacy_policy, record_key
from etl.dvc.extract import DvcExtractor
from etl.dvc.source import DvcEntitySource
from etl.privacy import Privacy
from etl.source import (
    Landed,
    Landing,
    ReleaseRule,
    RunSettings,
    Source,
    Stream,
    recheck_held,
    run_extraction,
)

T0 = datetime(2025, 3, 1, 8, 0)
RUN = RunSettings("abc123", datetime(2024, 12, 1), False, lambda: T0)


def batch(keys: list[str], rejected: list[tuple[str, str, str]] = ()) -> ExtractBatch:
    """A batch receiving `keys`, staging those not rejected; `rejected` rows are (key, field, reason)."""
    failed = {key for key, _, _ in rejected}
    raw = pa.table({"_key": keys})
    rows = pa.table({"_key": pa.array([key for key in keys if key not in failed], pa.string())})
    quarantine = pa.table(
        {
            "record_key": pa.array([key for key, _, _ in rejected], pa.string()),
            "field": pa.array([field for _, field, _ in rejected], pa.string()),
            "reason_code": pa.array([reason for _, _, reason in rejected], pa.string()),
        }
    )
    return ExtractBatch("fake", "items", raw, rows, quarantine)


def held(fingerprint: str, key: str, field: str = "MaDonVi", reason: str = "unknown_agency") -> dict:
    return {
        "fingerprint": fingerprint,
        "record_key": key,
        "field": field,
        "reason_code": reason,
        "locator": f"file.xlsx#{key}",
        "record": orjson.dumps({"id": key}).decode(),
    }


class MemoryWarehouse:
    """Keeps what the workflow asks for: landed batches by id, cursors, held rows and releases."""

    def __init__(self, held_rows=(), watermarks=None):
        self.landed: dict[str, ExtractBatch] = {}
        self.held = list(held_rows)
        self.released: list[tuple[list[str], str]] = []
        self.watermarks = dict(watermarks or {})
        self.first_starts: dict = {}

    def land(self, batch_id, extracted_at, batch):
        self.landed[batch_id] = batch
        return Landed(batch.raw.num_rows, batch.rows.num_rows, batch.quarantine.num_rows)

    def merge(self, source):
        # Every batch counted its rows as staged when it landed.
        return Landed(0, 0, 0)

    def held_records(self, source, entity, reasons):
        return [row for row in self.held if row["reason_code"] in reasons]

    def release(self, fingerprints, batch_id):
        self.released.append((list(fingerprints), batch_id))
        return len(fingerprints)

    def watermark(self, source, entity):
        return self.watermarks.get((source, entity))

    def set_watermark(self, source, entity, value):
        self.watermarks[(source, entity)] = value

    def keep_first_start(self, source, entity, start):
        self.first_starts.setdefault((source, entity), start)


class TwoStreams(Source):
    """Two cursor streams: "a" serves two batches and ends at `moves_to`; "b" serves one and fails to
    finish its cursor (new watermark None). Held records re-normalise into `renormalised`."""

    name = "fake"
    held_entity = "items"
    held_label = "items"
    reasons = ("unknown_agency",)
    release_rule = ReleaseRule(by=("record_key", "field", "reason_code"))

    def __init__(self, moves_to: datetime, renormalised: ExtractBatch | None = None):
        self.moves_to = moves_to
        self.renormalised = renormalised
        self.asked: list[tuple[str, datetime | None, datetime]] = []
        self._current = None

    def streams(self):
        return [Stream("a", "cursor-a"), Stream("b", "cursor-b")]

    def extract(self, stream, watermark, start):
        self.asked.append((stream.label, watermark, start))
        self._current = stream.label
        served = [batch(["k1", "k2"]), batch(["k3"], [("k3", "MaDonVi", "unknown_agency")])]
        yield from (Landing(b) for b in (served if stream.label == "a" else [batch(["k4"])]))

    def new_watermark(self):
        return self.moves_to if self._current == "a" else None

    def renormalise(self, held_rows):
        return self.renormalised

    def after_run(self, warehouse, run_tag, report):
        report.details["after_run_tag"] = run_tag


def test_streams_land_under_their_own_batch_ids_and_only_a_finished_stream_moves_its_cursor():
    earlier = datetime(2025, 2, 1)
    warehouse = MemoryWarehouse(watermarks={("fake", "cursor-b"): earlier})
    moved = datetime(2025, 2, 28, 23, 50)
    source = TwoStreams(moved)

    report = run_extraction(source, warehouse, RUN)

    # Each stream read from its own cursor (none yet for "a"), from the run's first start.
    assert source.asked == [("a", None, RUN.start), ("b", earlier, RUN.start)]
    assert list(warehouse.landed) == ["abc123-a-1", "abc123-a-2", "abc123-b-1"]
    # "a" finished and moved; "b" did not, so its cursor stays and the report says where it stands.
    assert warehouse.watermarks == {("fake", "cursor-a"): moved, ("fake", "cursor-b"): earlier}
    assert report.watermarks == {"cursor-a": str(moved), "cursor-b": str(earlier)}
    # Received: 2 + 1 + 1 raw rows; staged: 2 + 0 + 1; quarantined: the one rejected k3.
    assert (report.received, report.staged, report.quarantined, report.released) == (4, 3, 1, 0)
    assert report.details == {"after_run_tag": "abc123"}


def test_a_full_refresh_reads_no_cursor_but_still_moves_it():
    warehouse = MemoryWarehouse(watermarks={("fake", "cursor-a"): datetime(2025, 2, 1)})
    moved = datetime(2025, 3, 1)
    source = TwoStreams(moved)

    run_extraction(source, warehouse, RunSettings("r", RUN.start, True, RUN.now))

    assert [watermark for _, watermark, _ in source.asked] == [None, None]
    assert warehouse.watermarks[("fake", "cursor-a")] == moved


def test_a_source_that_keeps_its_first_start_keeps_it_for_each_cursor_it_starts():
    class FirstStartKept(TwoStreams):
        keeps_first_start = True

    warehouse = MemoryWarehouse(watermarks={("fake", "cursor-a"): datetime(2025, 2, 1)})
    run_extraction(FirstStartKept(T0), warehouse, RUN)
    # "a" had a cursor already; "b" starts one but does not finish it: neither is a first start kept.
    assert warehouse.first_starts == {}

    fresh = MemoryWarehouse()
    run_extraction(FirstStartKept(T0), fresh, RUN)
    # A first extraction of "a" that finished: the run's start is kept for its cursor.
    assert fresh.first_starts == {("fake", "cursor-a"): RUN.start}


def test_held_records_are_normalised_again_first_and_released_where_no_longer_rejected():
    # h1 now passes; h2 is rejected again for the same field and reason; h3 for another field only.
    rows = [held("f1", "h1"), held("f2", "h2"), held("f3", "h3"), held("f4", "h4", reason="date_order")]
    renormalised = batch(
        ["h1", "h2", "h3"], [("h2", "MaDonVi", "unknown_agency"), ("h3", "MaCoQuan", "unknown_agency")]
    )
    warehouse = MemoryWarehouse(held_rows=rows)

    report = run_extraction(TwoStreams(T0, renormalised), warehouse, RUN)

    # The re-check lands first, with no raw rows (raw keeps the reading it had), under `{run}-{label}-re`.
    first_id, first = next(iter(warehouse.landed.items()))
    assert (first_id, first.raw.num_rows, first.rows.num_rows) == ("abc123-items-re", 0, 1)
    # h4 is held for a reason not re-evaluated: never asked for. h2 stays held; h1 and h3 are released.
    assert warehouse.released == [(["f1", "f3"], "abc123-items-re")]
    assert report.released == 2


def test_nothing_held_lands_nothing_for_the_recheck():
    warehouse = MemoryWarehouse()
    assert recheck_held(TwoStreams(T0), warehouse, "x-re", T0) == 0
    assert warehouse.landed == {} and warehouse.released == []


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # DVC: a record that normalises is released, whatever its array entries still fail.
        (ReleaseRule(passed_only=True), ["f1", "f3"]),
        # E-CABINET: it normalises and the field it was held for no longer fails.
        (ReleaseRule(by=("record_key", "field"), passed_only=True), ["f1"]),
        # HR: the reason no longer applies to the record.
        (ReleaseRule(by=("record_key", "reason_code")), ["f1", "f4"]),
    ],
)
def test_each_sources_release_rule(rule, expected):
    rows = [held("f1", "h1"), held("f2", "h2"), held("f3", "h3"), held("f4", "h4")]
    # h2 fails as a whole; h3 passes with an entry failing the same field; h4 fails the field for another
    # reason and does not normalise.
    reading = batch(["h1", "h2", "h3", "h4"], [("h2", "MaDonVi", "unknown_agency")])
    reading = reading._replace(
        rows=pa.table({"_key": ["h1", "h3"]}),
        quarantine=pa.table(
            {
                "record_key": ["h2", "h3", "h4"],
                "field": ["MaDonVi", "MaDonVi", "MaDonVi"],
                "reason_code": ["unknown_agency", "unknown_agency", "unknown_code"],
            }
        ),
    )
    assert rule.releasable(rows, reading) == expected


def test_progress_gets_a_line_per_batch_with_the_streams_own_count():
    calls = []
    run_extraction(TwoStreams(T0), MemoryWarehouse(), RUN, lambda *args: calls.append(args))
    assert calls == [
        ("a", 2, None, "records", "fake a: batch 1, 2 records received"),
        ("a", 3, None, "records", "fake a: batch 2, 3 records received"),
        ("b", 1, None, "records", "fake b: batch 1, 1 records received"),
    ]


# DVC through the workflow, over real HTTP against the simulator.
try:
    from simulators import Simulation, SimulatorServer
except ImportError:  # pragma: no cover - the simulator ships with the project
    Simulation = None


@pytest.mark.skipif(Simulation is None, reason="simulators not available")
def test_dvc_feedback_through_the_workflow_lands_every_served_record_and_moves_its_cursor():
    from etl.dvc.client import DvcClient
    from etl.http import RetryPolicy
    from etl.settings import DvcSettings

    simulation = Simulation(scale="small", year=2025, seed=0)
    context = DvcContext(
        b"test-key",
        AgencyResolver.from_rows(load_agency_config()),
        ProcedureCodes(),
        CodeMappings.load("dvc"),
    )
    warehouse = MemoryWarehouse()
    progress = []
    with SimulatorServer(simulation, port=0, faults=0.0) as server:
        client = DvcClient(DvcSettings.from_env(server.env), RetryPolicy(base_delay=0.01, max_delay=0.05))
        try:
            extractor = DvcExtractor(client, context, page_size=1000, max_window=50_000)
            source = DvcEntitySource(extractor, "pakn", lag=timedelta(0))
            report = run_extraction(source, warehouse, RUN, lambda *call: progress.append(call))
        finally:
            client.close()

    # The served records are the simulator's truth (after the privacy rules), each under its cleaned key.
    key = record_key("pakn")
    privacy = Privacy(b"test-key")
    truth = {key(privacy.apply(record, privacy_policy("pakn"))) for record in simulation.truth("pakn")}
    landed = [batch for batch_id, batch in warehouse.landed.items() if not batch_id.endswith("-re")]
    assert {k for b in landed for k in b.raw.column("_key").to_pylist()} == truth
    assert report.received == sum(b.raw.num_rows for b in landed)
    # Each served record is staged or quarantined.
    staged = {k for b in landed for k in b.rows.column("_key").to_pylist()}
    assert staged | {k for b in landed for k in b.quarantine.column("record_key").to_pylist()} == truth
    # Every batch id names the run and the entity, numbered in order; the cursor moved to where DVC ended.
    assert list(warehouse.landed) == [f"abc123-pakn-{n}" for n in range(1, len(landed) + 1)]
    assert extractor.new_watermark is not None
    assert warehouse.watermarks == {("dvc", "pakn"): extractor.new_watermark}
    assert report.watermarks == {"pakn": str(extractor.new_watermark)}
    # Progress counts against the `total` DVC gave for the whole range; the simulator's clock stands still
    # during the run, so the closing window brings nothing and the count ends at that total.
    assert {total for _, _, total, _, _ in progress} == {report.received}
    assert progress[-1][1] == report.received
