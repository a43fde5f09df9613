"""Benchmark: the simulated year end to end at a scale, with two baselines and the transport limit beside it;
or the throughput of several simulated provinces run side by side.

    .venv/bin/python bench/benchmark.py --scale province [--year 2025] [--out bench/results] [--note TEXT]
    .venv/bin/python bench/benchmark.py --scale small --provinces 1,2,4 --workers 1,2

The year: starts the simulator in its own process (its time to generate and its memory are reported apart)
as of 30 December of the year, so that the year is still in progress and a day's advance brings new records,
then:
1. download-only: every dossier page of the year with plain `requests`, as many pages at once as the
   connector fetches (the transport limit of this simulator on this machine), dumping the records to NDJSON;
2. the pipeline: `parindex run --year Y` in this process into a fresh DuckDB, timing every step from the
   Dagster events and every batch landed (the series is in the JSON), with rows/s per extracted resource and
   source, wall time per stage, the process CPU of every extraction (`ExtractionProbe`) and the peak RSS of
   this process (and of its subprocesses);
3. the baselines, each in its own process: dlt's `rest_api` source with its defaults loading the first
   200,000 dossiers into DuckDB (needs `pip install -e '.[bench]'`), and DuckDB reading the NDJSON dump;
4. the incremental rerun: the simulator advances one day and the same year runs again.
Prints the figures, then every target of issue 15 beside its figure with met/missed (a target set for
another scale says so), and writes every figure as JSON so that runs can be compared.

--provinces N[,N…] --workers W[,W…] (issue 16): N simulators on their own ports, then for every N and W the
first N provinces run W at a time, each a `parindex run` process with its own warehouse; prints provinces
per hour and dossiers per second. Never part of the test suite.
"""

import argparse
import functools
import importlib.util
import json
import operator
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import orjson
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators.process import SimulatorProcess, new_credentials  # noqa: E402
from warehouse.landing import MERGE_EVERY_ROWS  # noqa: E402

PAGE_SIZE = 1000
# Generating a `large` year took over 15 minutes on two cores (the simulator's default wait); the clock of the
# year starts when it answers.
SIMULATOR_START_TIMEOUT_S = 3600
CONCURRENT_PAGES = 4
DLT_MAX_RECORDS = 200_000
BASELINES = Path(__file__).resolve().parent / "baselines.py"
# Targets of issue 6 §1 (throughput of the dossiers' step against the baselines).
TARGET_DLT_RATIO = 20
TARGET_DOWNLOAD_SHARE = 0.40
# Targets of issue 15, each judged only where it is set: the year and its memory at `large` with all four
# sources; the flat landing at the end of a `large` year; the CPU per dossier and the rates per source at
# `province` and `large` (at `small`, a step's fixed costs outweigh its few thousand records); the
# incremental run at each scale with its own limit.
TARGET_YEAR_S = 15 * 60
TARGET_RSS_BYTES = 1.5 * 2**30
TARGET_FULL_SCALE = "large"
TARGET_BATCH_RATIO = 1.2
TARGET_CPU_PER_DOSSIER_S = 60e-6
TARGET_RATE_SCALES = ("province", "large")
TARGET_RAW_ROWS_PER_S = {"raw.hr__nhansu": 15_000, "raw.qlvb__edxml": 4_000, "raw.qlvb__documents": 20_000}
TARGET_INCREMENTAL_S = {"province": 30, "large": 60}
# The batches whose landing cost is compared: the dossiers', by far the largest resource. The first and the
# last batch of at least half the largest batch's records, so that a short closing window (whose fixed
# cost per record is higher) is not read as growth.
FLAT_LANDING_RESOURCE = ("dvc", "ho-so")
DOSSIERS_RAW_TABLE = "raw.dvc__ho_so"
# Stage of each asset group; source groups are split into extract and load by the landing timer.
SOURCE_GROUPS = ("dvc", "qlvb", "ecabinet", "hr")
STAGE_OF_GROUP = {
    "reference": "reference",
    "marts": "metrics",
    "metrics": "metrics",
    "scoring": "scoring",
    "exports": "exports",
}
STAGES = ("reference", "extract", "load", "checks", "metrics", "scoring", "exports", "read copy")
SOURCE_LABELS = {"dvc": "DVC", "qlvb": "QLVB", "ecabinet": "E-CABINET", "hr": "HR"}
# The simulator's variables that configure each source; a source left out of --sources is not configured,
# so the pipeline skips it.
SOURCE_VARIABLES = {
    "dvc": ("PARINDEX_DVC_URL",),
    "qlvb": ("PARINDEX_QLVB_URL", "PARINDEX_EDXML_DIR"),
    "ecabinet": ("PARINDEX_ECABINET_URL",),
    "hr": ("PARINDEX_HR_DIR",),
}


def download_only(base_url: str, credentials: dict[str, str], dump: Path) -> dict:
    """Every `ho-so` page, parsed no further than the JSON envelope; each record is appended to `dump` as
    one NDJSON line as its page arrives (for the DuckDB baseline). Its CPU is this process's over the loop
    (nothing else runs in it meanwhile), less the dump's writing (measured on the one thread that writes)."""
    session = requests.Session()
    headers: dict[str, str] = {}

    def authorise() -> None:
        token = session.post(
            f"{base_url}/dvc/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": credentials["PARINDEX_DVC_CLIENT_ID"],
                "client_secret": credentials["PARINDEX_DVC_CLIENT_SECRET"],
            },
            timeout=30,
        ).json()["access_token"]
        headers["Authorization"] = f"Bearer {token}"

    def page(number: int) -> dict:
        answer = session.get(
            f"{base_url}/dvc/api/v1/ho-so",
            params={"page": number, "pageSize": PAGE_SIZE},
            headers=dict(headers),
            timeout=120,
        )
        if answer.status_code == 401:
            # the token expired: a `large` year's pages take longer than its lifetime
            authorise()
            return page(number)
        answer.raise_for_status()
        return answer.json()

    authorise()

    dump_s = dump_cpu_s = 0.0
    with dump.open("wb") as handle:

        def write(records: list[dict]) -> None:
            nonlocal dump_s, dump_cpu_s
            started, started_cpu = time.perf_counter(), time.thread_time()
            handle.write(b"".join(orjson.dumps(record) + b"\n" for record in records))
            dump_s += time.perf_counter() - started
            dump_cpu_s += time.thread_time() - started_cpu

        started, (cpu_before, _) = time.perf_counter(), process_cpu_s()
        first = page(1)
        pages = -(-first["total"] // PAGE_SIZE)
        records = len(first["data"])
        write(first["data"])
        with ThreadPoolExecutor(CONCURRENT_PAGES) as pool:
            for payload in pool.map(page, range(2, pages + 1)):
                records += len(payload["data"])
                write(payload["data"])
        seconds = time.perf_counter() - started
        cpu_s = process_cpu_s()[0] - cpu_before - dump_cpu_s
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "cpu_s": cpu_s,
        "cpu_per_record_s": cpu_s / records,
        "ndjson_write_s": dump_s,
        "ndjson_write_cpu_s": dump_cpu_s,
        "ndjson_bytes": dump.stat().st_size,
    }


def run_baseline(arguments: list[str], result: Path, env: dict[str, str] | None = None) -> dict:
    """One baseline of bench/baselines.py in its own process; its figures (with its own peak RSS)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(BASELINES), *arguments, str(result)], env=env, check=True)
    figures = json.loads(result.read_text(encoding="utf-8"))
    figures["process_wall_s"] = time.perf_counter() - started
    return figures


def process_cpu_s() -> tuple[float, float]:
    """CPU seconds (user + system) of this process, every thread, and of its finished, waited-for children."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


class ExtractionProbe:
    """Wraps the calls through which every extraction step reaches the warehouse, in this process:
    `run_extraction` (a step's whole extraction and landing), `EngineWarehouse.land` (one batch: raw,
    pending rows, quarantine, and the staging merge every `MERGE_EVERY_ROWS`) and `EngineWarehouse.merge`
    (the merge of what is pending at a stream's end), and records every call's epoch (start, end).

    The CPU of an extraction is this process's CPU time between its start and end (`os.times`): `parindex
    run` executes one step at a time in this process (Dagster's in-process executor), so what ran meanwhile
    is that step, its download and read-ahead threads and DuckDB's threads included, and the RSS sampler,
    whose own CPU is taken off (`TreeRss.own_cpu_between`). Children's CPU (the HR readers) counts once
    they are waited for."""

    def __init__(self) -> None:
        self.batches: list[dict] = []
        self.extractions: list[dict] = []

    def clear(self) -> None:
        self.batches.clear()
        self.extractions.clear()

    def install(self) -> None:
        import assets.extraction
        from assets.landing import EngineWarehouse

        land, merge = EngineWarehouse.land, EngineWarehouse.merge
        run_extraction = assets.extraction.run_extraction

        @functools.wraps(land)
        def timed_land(warehouse, batch_id, extracted_at, batch):
            started = time.time()
            landed = land(warehouse, batch_id, extracted_at, batch)
            self.batches.append(
                {
                    "source": batch.source,
                    "entity": batch.entity,
                    "batch_id": batch_id,
                    "start": started,
                    "end": time.time(),
                    "raw_rows": landed.raw_rows,
                    "staged_rows": landed.staged_rows,
                }
            )
            return landed

        @functools.wraps(merge)
        def timed_merge(warehouse, source):
            started = time.time()
            landed = merge(warehouse, source)
            self.batches.append(
                {
                    "source": source,
                    "entity": None,  # every entity of the source with pending rows
                    "batch_id": None,
                    "start": started,
                    "end": time.time(),
                    "raw_rows": 0,
                    "staged_rows": landed.staged_rows,
                }
            )
            return landed

        @functools.wraps(run_extraction)
        def timed_extraction(source, *args, **kwargs):
            started, (cpu, children) = time.time(), process_cpu_s()
            try:
                return run_extraction(source, *args, **kwargs)
            finally:
                cpu_end, children_end = process_cpu_s()
                self.extractions.append(
                    {
                        "source": source.name,
                        "start": started,
                        "end": time.time(),
                        "cpu_s": cpu_end - cpu,
                        "children_cpu_s": children_end - children,
                    }
                )

        EngineWarehouse.land = timed_land
        EngineWarehouse.merge = timed_merge
        assets.extraction.run_extraction = timed_extraction

    def landing_s_within(self, start: float, end: float) -> float:
        """Seconds spent landing batches between `start` and `end`."""
        return sum(
            min(b["end"], end) - max(b["start"], start)
            for b in self.batches
            if b["start"] < end and b["end"] > start
        )

    def raw_rows_within(self, start: float, end: float) -> int:
        return sum(b["raw_rows"] for b in self.batches if start <= b["start"] and b["end"] <= end)


def step_spans(entries) -> dict[str, tuple[float, float]]:
    """(start, end) epoch seconds of every Dagster step, from its start and success (or failure) events."""
    started, spans = {}, {}
    for entry in entries:
        if entry.dagster_event is None:
            continue
        kind = entry.dagster_event.event_type_value
        if kind == "STEP_START":
            started[entry.step_key] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in started:
            spans[entry.step_key] = (started[entry.step_key], entry.timestamp)
    return spans


def graph_layout() -> tuple[dict[str, str], dict[str, str]]:
    """(stage or source group of every step key, step key of every raw table), from the definitions."""
    from assets.checks import ASSET_CHECKS
    from assets.definitions import ALL_ASSETS

    group_of_step, step_of_raw = {}, {}
    for definition in ALL_ASSETS:
        step = definition.node_def.name
        keys = list(definition.keys)
        if any(key.path[0] == "warehouse" for key in keys):
            group_of_step[step] = "read copy"
        else:
            group_of_step[step] = next(iter(set(definition.group_names_by_key.values())))
        for key in keys:
            if key.path[0] == "raw":
                step_of_raw[f"raw.{key.path[-1]}"] = step
    for check in ASSET_CHECKS:
        group_of_step[check.node_def.name] = "checks"
    return group_of_step, step_of_raw


def raw_counts() -> dict[str, int]:
    """Rows of every table of the warehouse's `raw` schema."""
    import sqlalchemy as sa

    from assets.settings import warehouse_engine
    from warehouse import reading

    engine = warehouse_engine()
    try:
        tables = sorted(f"raw.{name}" for name in sa.inspect(engine).get_table_names(schema="raw"))
        return reading.table_counts(engine, tables)
    finally:
        engine.dispose()


def timed_run(year: int, probe: ExtractionProbe, tree: "TreeRss | None" = None) -> dict:
    """One `run_year` of the year: wall time, step and stage times, raw rows landed per resource, every
    batch landed (in order) and the CPU of every extraction (less the RSS sampler's while `tree` samples)."""
    from dagster import DagsterInstance

    from assets.runner import run_year

    group_of_step, step_of_raw = graph_layout()
    before = raw_counts()
    probe.clear()
    started = time.perf_counter()
    outcome = run_year(year)
    wall = time.perf_counter() - started
    spans = step_spans(DagsterInstance.get().all_logs(outcome.run_id))
    after = raw_counts()

    steps_s = {step: end - start for step, (start, end) in spans.items()}
    load_s = {step: probe.landing_s_within(start, end) for step, (start, end) in spans.items()}
    stages = dict.fromkeys(STAGES, 0.0)
    stages["other"] = 0.0
    for step, seconds in steps_s.items():
        group = group_of_step.get(step, "other")
        if group in SOURCE_GROUPS:
            stages["extract"] += seconds - load_s[step]
            stages["load"] += load_s[step]
        else:
            stages[STAGE_OF_GROUP.get(group, group)] += seconds
    # Dagster's start-up and hand-overs between steps, and the read copy published after the job.
    stages["outside steps"] = wall - sum(steps_s.values())

    resources = {}
    for table, rows in after.items():
        step = step_of_raw.get(table)
        landed = rows - before.get(table, 0)
        entry = {"records": landed, "step": step, "source": group_of_step.get(step)}
        if step in steps_s:
            entry |= {
                "step_s": steps_s[step],
                "load_s": load_s[step],
                "records_per_s": landed / steps_s[step],
                "extract_only_records_per_s": landed / max(steps_s[step] - load_s[step], 1e-9),
            }
        resources[table] = entry
    sources = {}
    for source in SOURCE_GROUPS:
        mine = [entry for entry in resources.values() if entry["source"] == source and "step_s" in entry]
        step_s = sum({entry["step"]: entry["step_s"] for entry in mine}.values())
        records = sum(entry["records"] for entry in mine)
        if step_s:
            sources[source] = {"records": records, "step_s": step_s, "records_per_s": records / step_s}
    extractions = []
    for call in probe.extractions:
        middle = (call["start"] + call["end"]) / 2
        step = next((step for step, (a, b) in spans.items() if a <= middle <= b), None)
        sampler_s = tree.own_cpu_between(call["start"], call["end"]) if tree is not None else 0.0
        records = probe.raw_rows_within(call["start"], call["end"])
        cpu_s = call["cpu_s"] + call["children_cpu_s"] - sampler_s
        extractions.append(
            call
            | {
                "step": step,
                "sampler_cpu_s": sampler_s,
                "raw_rows": records,
                "net_cpu_s": cpu_s,
                "cpu_per_record_s": cpu_s / records if records else None,
            }
        )
    batches = [batch | {"seconds": batch["end"] - batch["start"]} for batch in probe.batches]
    dossiers_source, dossiers_entity = FLAT_LANDING_RESOURCE
    return {
        "success": outcome.success,
        "run_id": outcome.run_id,
        # why a run failed, kept with its figures (the run's Dagster instance is temporary)
        "failed_steps": outcome.failed_steps,
        "failed_checks": outcome.failed_checks,
        "wall_s": wall,
        "stages_s": stages,
        "sources": sources,
        "resources": resources,
        "steps_s": steps_s,
        "step_spans": spans,
        "load_s": {step: seconds for step, seconds in load_s.items() if seconds},
        "extractions": extractions,
        "batches": batches,
        "dvc_landing": landing_series(batches, dossiers_source, dossiers_entity),
    }


def pipeline_environment(
    work: Path, variables: dict[str, str], credentials: dict[str, str], sources: list[str]
) -> dict[str, str]:
    """The variables of a run on the simulated `sources` into a fresh DuckDB warehouse under `work`."""
    left_out = {name for source in set(SOURCE_GROUPS) - set(sources) for name in SOURCE_VARIABLES[source]}
    return {
        **credentials,
        **{name: value for name, value in variables.items() if name not in left_out},
        "PARINDEX_WAREHOUSE_URL": f"duckdb:///{work / 'warehouse.duckdb'}",
        "PARINDEX_EXPORT_DIR": str(work / "exports"),
        "PARINDEX_PSEUDONYM_KEY": secrets.token_hex(32),
        "DAGSTER_HOME": str(work / "dagster_home"),
    }


def configure_pipeline(
    work: Path, variables: dict[str, str], credentials: dict[str, str], sources: list[str]
) -> ExtractionProbe:
    """This process set up to run the pipeline, with the probe installed."""
    os.environ.update(pipeline_environment(work, variables, credentials, sources))
    import assets.definitions  # noqa: F401  (every asset module imported before the probe wraps their calls)

    probe = ExtractionProbe()
    probe.install()
    return probe


def _rss_bytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            pending += children
    return found


class TreeRss:
    """The summed RSS of this process and its subprocesses (HR readers, Dagster's helpers), sampled while
    the block runs, with the time of each sample; the simulator's process tree is left out.
    RUSAGE_CHILDREN is no substitute: a helper forked from this process before its exec (Dagster's
    compute-log `tail`) reports the parent's pages as its own peak. Each sample also holds the sampler
    thread's own CPU time so far, which `own_cpu_between` takes off the CPU measured around a step."""

    def __init__(self, exclude: int, interval_s: float = 0.2):
        self.exclude, self.interval_s = exclude, interval_s
        self.samples: list[tuple[float, int, float]] = []  # (epoch seconds, bytes, sampler CPU seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def peak_bytes(self) -> int:
        return max((rss for _, rss, _ in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> int:
        """The peak of the samples taken from one interval before `start` to one after `end`, so that a
        step shorter than the interval still gets the samples around it."""
        start, end = start - self.interval_s, end + self.interval_s
        return max((rss for at, rss, _ in self.samples if start <= at <= end), default=0)

    def own_cpu_between(self, start: float, end: float) -> float:
        """The sampler thread's CPU seconds from the last sample before `start` to the last before `end`."""
        before = [cpu for at, _, cpu in self.samples if at <= start]
        until = [cpu for at, _, cpu in self.samples if at <= end]
        return (until[-1] if until else 0.0) - (before[-1] if before else 0.0)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval_s):
            excluded = {self.exclude, *_descendants(self.exclude)}
            pids = [me] + [pid for pid in _descendants(me) if pid not in excluded]
            self.samples.append((time.time(), sum(_rss_bytes(pid) for pid in pids), time.thread_time()))

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def peak_rss(tree: TreeRss, spans: dict[str, tuple[float, float]]) -> dict:
    """Peak RSS of this process (exact), of it with its subprocesses (sampled), RUSAGE_CHILDREN's, and the
    sampled peak of each step of `spans`, in the order the steps started."""
    return {
        "self_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "tree_sampled_bytes": tree.peak_bytes,
        "largest_finished_child_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "steps_bytes": {
            step: tree.peak_between(start, end)
            for step, (start, end) in sorted(spans.items(), key=lambda item: item[1][0])
        },
    }


def baselines(work: Path, base_url: str, credentials: dict[str, str], dump: Path) -> dict:
    found = {}
    if importlib.util.find_spec("dlt") is None:
        found["dlt"] = {"skipped": "dlt is not installed: pip install -e '.[bench]'"}
    else:
        found["dlt"] = run_baseline(
            ["dlt", base_url, str(work / "dlt.duckdb"), str(-(-DLT_MAX_RECORDS // PAGE_SIZE))],
            work / "dlt.json",
            env={**os.environ, **credentials},
        )
    found["ndjson"] = run_baseline(["ndjson", str(dump), str(work / "ndjson.duckdb")], work / "ndjson.json")
    return found


def landing_series(batches: list[dict], source: str, entity: str) -> dict:
    """The seconds to land each batch of one resource that brought records, in order (a stream-end merge
    counted with the batch it follows), and the landing time per record of the last batches ÷ the first
    ones: as many batches as one merge of the pending rows into staging is shared by (`MERGE_EVERY_ROWS`),
    or each half of the batches when there are fewer than two such windows."""
    mine: list[dict] = []
    follows_mine = False  # whether the latest batch landed was one of this resource's
    for call in batches:
        if call["entity"] is None:  # a stream-end merge
            if follows_mine and call["source"] == source:
                mine[-1]["seconds"] += call["end"] - call["start"]
            continue
        follows_mine = (call["source"], call["entity"]) == (source, entity) and call["raw_rows"] > 0
        if follows_mine:
            mine.append(dict(call))
    if not mine:
        return {"series_s": [], "records": []}
    largest = max(batch["raw_rows"] for batch in mine)
    window = min(max(1, -(-MERGE_EVERY_ROWS // largest)), max(1, len(mine) // 2))

    def part(calls: list[dict], index: int) -> dict:
        seconds, records = (sum(c[key] for c in calls) for key in ("seconds", "raw_rows"))
        return {"index": index, "batches": len(calls), "seconds": seconds, "records": records}

    first, last = part(mine[:window], 0), part(mine[-window:], len(mine) - window)
    return {
        "series_s": [batch["seconds"] for batch in mine],
        "records": [batch["raw_rows"] for batch in mine],
        "first": first,
        "last": last,
        "last_over_first_per_record": (last["seconds"] / last["records"])
        / (first["seconds"] / first["records"]),
    }


COMPARISONS = {"<": operator.lt, "≤": operator.le, "≥": operator.ge}


def judge(value: float, comparison: str, limit: float, applies: bool = True, where: str = "") -> str:
    """met or MISSED; where the target is not set (another scale, some sources only), where it is."""
    if not applies:
        return f"({where} only)"
    return "met" if COMPARISONS[comparison](value, limit) else "MISSED"


def dossier_step_cpu(run: dict) -> dict | None:
    """The CPU measured around the extraction of the step that lands the dossiers."""
    step = run["resources"].get(DOSSIERS_RAW_TABLE, {}).get("step")
    return next((call for call in run["extractions"] if call["step"] == step), None)


def report(results: dict) -> list[tuple[str, str, str, str]]:
    """The detailed table's rows: (measure, value, target, met/missed)."""
    full, rerun = results["pipeline"], results["incremental"]
    download, found, rss = results["download_only"], results["baselines"], results["pipeline_peak_rss"]
    rows: list[tuple[str, str, str, str]] = []

    def row(label: str, value: str = "", target: str = "", status: str = "") -> None:
        rows.append((label, value, target, status))

    def stages(run: dict) -> None:
        for stage, seconds in run["stages_s"].items():
            if seconds or stage in STAGES:
                row(f"  {stage}, s", f"{seconds:.1f}")

    mib = 2**20
    row("simulator ready after (generation), s", f"{results['simulator_ready_s']:.1f}")
    row(
        "simulator peak RSS, MiB (apart from the pipeline)",
        f"{results['simulator_peak_rss_bytes'] / mib:.0f}",
    )
    row("DVC ho-so, records/s")
    row("  download-only (transport limit)", f"{download['records_per_s']:,.0f}")
    row("  DuckDB read_json of its NDJSON dump (practical limit)", f"{found['ndjson']['records_per_s']:,.0f}")
    dlt = found["dlt"]
    if "skipped" in dlt:
        row(f"  dlt rest_api baseline skipped: {dlt['skipped']}")
    else:
        row(f"  dlt rest_api → DuckDB ({dlt['records']:,} records)", f"{dlt['records_per_s']:,.0f}")
    dossiers = full["resources"][DOSSIERS_RAW_TABLE]
    rate = dossiers["records_per_s"]
    row("  pipeline extract+load (dvc_ho_so step)", f"{rate:,.0f}")
    row("  pipeline extraction alone (step less landing)", f"{dossiers['extract_only_records_per_s']:,.0f}")
    if "skipped" not in dlt:
        ratio = rate / dlt["records_per_s"]
        row(
            "  pipeline ÷ dlt (issue 6)",
            f"{ratio:.1f}×",
            f"≥ {TARGET_DLT_RATIO}×",
            judge(ratio, "≥", TARGET_DLT_RATIO),
        )
    share = rate / download["records_per_s"]
    row(
        "  pipeline ÷ download-only (issue 6)",
        f"{share:.0%}",
        f"≥ {TARGET_DOWNLOAD_SHARE:.0%}",
        judge(share, "≥", TARGET_DOWNLOAD_SHARE),
    )
    row("  pipeline ÷ NDJSON → DuckDB", f"{rate / found['ndjson']['records_per_s']:.0%}")
    row("CPU per record (process CPU s ÷ records, this run), µs")
    row("  NDJSON dump → DuckDB read_json", f"{found['ndjson']['cpu_per_record_s'] * 1e6:.1f}")
    dvc_calls = [call for call in full["extractions"] if call["source"] == "dvc"]
    if dvc_calls and dossiers["records"]:
        every = sum(call["net_cpu_s"] for call in dvc_calls)
        row(
            f"  every DVC resource's extraction+landing ({every:.1f} s) ÷ dossiers",
            f"{every / dossiers['records'] * 1e6:.1f}",
        )
    row("extraction by source (extract+load steps), records/s")
    for source, figures in full["sources"].items():
        label = f"  {SOURCE_LABELS[source]}: {figures['records']:,} records in {figures['step_s']:.1f} s"
        row(label, f"{figures['records_per_s']:,.0f}")
        for table, entry in full["resources"].items():
            if entry["source"] == source and "step_s" in entry:
                seconds = f"{entry['step_s']:.1f} s, load {entry['load_s']:.1f} s"
                row(f"    {table}: {entry['records']:,} in {seconds}", f"{entry['records_per_s']:,.0f}")
    series = full["dvc_landing"]
    if series["series_s"]:
        seconds = series["series_s"]
        row(
            f"landing of the {len(seconds)} dossier batches (land + merge), s: min / median / max",
            f"{min(seconds):.2f} / {sorted(seconds)[len(seconds) // 2]:.2f} / {max(seconds):.2f}",
        )
    row("year end to end (extract → exports, read copy), s", f"{full['wall_s']:.1f}")
    stages(full)
    row("peak RSS of the year's run, MiB")
    row("  this process (ru_maxrss), MiB", f"{rss['self_bytes'] / mib:.0f}")
    row("  with its subprocesses (sampled every 0.2 s), MiB", f"{rss['tree_sampled_bytes'] / mib:.0f}")
    row("  peak of each step (with its subprocesses, sampled), MiB")
    for step, peak in rss["steps_bytes"].items():
        row(f"    {step}", f"{peak / mib:.0f}")
    row("incremental rerun after a day's advance, s", f"{rerun['wall_s']:.1f}")
    new = sum(entry["records"] for entry in rerun["resources"].values())
    row("  raw rows it landed (the catalogues' full pulls included)", f"{new:,}")
    stages(rerun)
    return rows


def targets(results: dict) -> list[tuple[str, str, str, str]]:
    """The targets of issue 15, each beside its figure: (target, figure, limit, met/missed)."""
    scale, full, rerun = results["scale"], results["pipeline"], results["incremental"]
    rows: list[tuple[str, str, str, str]] = []
    mib = 2**20
    year_set = scale == TARGET_FULL_SCALE and set(results["sources"]) == set(SOURCE_GROUPS)
    year_where = f"{TARGET_FULL_SCALE}, all sources"
    rows.append(
        (
            "1. year end to end, s",
            f"{full['wall_s']:.1f}",
            f"< {TARGET_YEAR_S}",
            judge(full["wall_s"], "<", TARGET_YEAR_S, year_set, year_where),
        )
    )
    rss = results["pipeline_peak_rss"]
    peak = max(rss["self_bytes"], rss["tree_sampled_bytes"])
    rows.append(
        (
            "1. peak RSS of the run (simulator apart), MiB",
            f"{peak / mib:.0f}",
            f"< {TARGET_RSS_BYTES / mib:.0f}",
            judge(peak, "<", TARGET_RSS_BYTES, year_set, year_where),
        )
    )
    series = full["dvc_landing"]
    if series["series_s"]:
        first, last = series["first"], series["last"]
        rows.append(
            (
                f"2. dossier batch landing, last ÷ first per record (#{first['index'] + 1}+"
                f"{first['batches']}: {first['records']:,} in {first['seconds']:.2f} s; "
                f"#{last['index'] + 1}+{last['batches']}: {last['records']:,} in {last['seconds']:.2f} s)",
                f"{series['last_over_first_per_record']:.2f}×",
                f"≤ {TARGET_BATCH_RATIO}×",
                judge(
                    series["last_over_first_per_record"],
                    "≤",
                    TARGET_BATCH_RATIO,
                    scale == TARGET_FULL_SCALE,
                    TARGET_FULL_SCALE,
                ),
            )
        )
    cpu = dossier_step_cpu(full)
    rate_set, rate_where = scale in TARGET_RATE_SCALES, "/".join(TARGET_RATE_SCALES)
    if cpu is not None and cpu["cpu_per_record_s"] is not None:
        rows.append(
            (
                f"3. CPU per DVC dossier, extraction+landing ({cpu['net_cpu_s']:.1f} s ÷ "
                f"{cpu['raw_rows']:,}), µs",
                f"{cpu['cpu_per_record_s'] * 1e6:.1f}",
                f"≤ {TARGET_CPU_PER_DOSSIER_S * 1e6:.0f}",
                judge(cpu["cpu_per_record_s"], "≤", TARGET_CPU_PER_DOSSIER_S, rate_set, rate_where),
            )
        )
    dlt = results["baselines"]["dlt"]
    if "skipped" not in dlt:
        rows.append(("   dlt rest_api, same measure, µs", f"{dlt['cpu_per_record_s'] * 1e6:.1f}", "", ""))
    download = results["download_only"]
    rows.append(
        ("   download-only loop, same measure, µs", f"{download['cpu_per_record_s'] * 1e6:.1f}", "", "")
    )
    for table, limit in TARGET_RAW_ROWS_PER_S.items():
        entry = full["resources"].get(table, {})
        if "step_s" not in entry:
            rows.append((f"4. {table}: not extracted in this run", "", f"≥ {limit:,}", ""))
            continue
        rows.append(
            (
                f"4. {table} ({entry['records']:,} rows in {entry['step_s']:.1f} s), rows/s",
                f"{entry['records_per_s']:,.0f}",
                f"≥ {limit:,}",
                judge(entry["records_per_s"], "≥", limit, rate_set, rate_where),
            )
        )
    limit = TARGET_INCREMENTAL_S.get(scale)
    rows.append(
        (
            "5. incremental run after one simulated day, s",
            f"{rerun['wall_s']:.1f}",
            f"< {limit}" if limit else "",
            judge(rerun["wall_s"], "<", limit or 0, limit is not None, " and ".join(TARGET_INCREMENTAL_S)),
        )
    )
    return rows


def print_table(title: str, header: tuple[str, str, str], rows: list[tuple[str, str, str, str]]) -> None:
    print(f"\n{title}\n{header[0]:<96}{header[1]:>16}  {header[2]:<10}")
    for label, value, target, status in rows:
        print(f"{label:<96}{value:>16}  {target:<10}{status}")


def province_run_command(year: int) -> list[str]:
    """The command that runs one province's year in a process of its own: `parindex run`, the province
    given by its environment (`pipeline_environment`). The one place to switch to `--province CODE` once
    provinces are configuration."""
    return [sys.executable, "-m", "assets.cli", "run", "--year", str(year)]


def run_province(command: list[str], variables: dict[str, str], work: Path) -> dict:
    """One province's run as a subprocess in `work` (its own warehouse, Dagster home and log): wall time,
    exit code, CPU and peak RSS from `wait4` (the run's process and the children it waited for), and the
    dossiers it landed in raw."""
    work.mkdir(parents=True, exist_ok=True)
    log = work / "run.log"
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env={**os.environ, **variables}, cwd=work, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    outcome = {
        "exit_code": process.returncode,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
        "dossiers": 0,
    }
    if process.returncode == 0:
        outcome["dossiers"] = landed_dossiers(variables["PARINDEX_WAREHOUSE_URL"])
    else:
        outcome["log_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return outcome


def landed_dossiers(url: str) -> int:
    from assets.settings import warehouse_engine
    from warehouse import reading

    engine = warehouse_engine(url)
    try:
        return reading.table_counts(engine, [DOSSIERS_RAW_TABLE])[DOSSIERS_RAW_TABLE]
    finally:
        engine.dispose()


def provinces_throughput(args: argparse.Namespace, sources: list[str]) -> dict:
    """Issue 16's mode: max(N) simulated provinces, each its own simulator process on its own port (seed =
    its number, so their data differ), served as of 30 December; then, for every N and W, the first N
    provinces run W at a time, each `province_run_command` into a fresh warehouse of its own. The
    simulators keep serving (and use the same cores) while the runs go; their generation is not timed."""
    as_of = f"{args.year}-12-30T00:00:00"
    command = province_run_command(args.year)
    with tempfile.TemporaryDirectory(prefix="parindex-bench-provinces-") as folder, ExitStack() as stack:
        work = Path(folder)
        simulators = []
        for number in range(max(args.provinces)):
            credentials = new_credentials(f"bench-p{number}")
            simulator = SimulatorProcess(
                args.scale,
                args.year,
                work / f"sim{number}",
                credentials,
                extra_args=("--as-of", as_of, "--seed", str(number)),
            )
            simulators.append((stack.enter_context(simulator), credentials))
        combinations = []
        for count in args.provinces:
            for workers in args.workers:
                runs_folder = work / f"n{count}-w{workers}"
                jobs = [
                    (
                        runs_folder / f"p{number}",
                        pipeline_environment(
                            runs_folder / f"p{number}", simulator.variables, credentials, sources
                        ),
                    )
                    for number, (simulator, credentials) in enumerate(simulators[:count])
                ]
                started = time.perf_counter()
                with ThreadPoolExecutor(workers) as pool:
                    runs = list(pool.map(lambda job: run_province(command, job[1], job[0]), jobs))
                wall = time.perf_counter() - started
                dossiers = sum(run["dossiers"] for run in runs)
                combinations.append(
                    {
                        "provinces": count,
                        "workers": workers,
                        "wall_s": wall,
                        "succeeded": sum(run["exit_code"] == 0 for run in runs),
                        "provinces_per_hour": count / wall * 3600,
                        "dossiers": dossiers,
                        "dossiers_per_s": dossiers / wall,
                        "runs": runs,
                    }
                )
                shutil.rmtree(runs_folder)  # the warehouses are not compared; the disk is shared
        ready = [simulator.ready_after_s for simulator, _ in simulators]
    return {
        "mode": "provinces",
        "scale": args.scale,
        "year": args.year,
        "sources": sources,
        "as_of": as_of,
        "command": command,
        "simulators_ready_s": ready,
        "combinations": combinations,
    }


def provinces_report(results: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for combination in results["combinations"]:
        runs = combination["runs"]
        failed = len(runs) - combination["succeeded"]
        label = (
            f"{combination['provinces']} province(s), {combination['workers']} worker(s): "
            f"{combination['wall_s']:.1f} s, {combination['dossiers']:,} dossiers, "
            f"CPU {sum(run['cpu_s'] for run in runs):.0f} s, largest run "
            f"{max(run['peak_rss_bytes'] for run in runs) / 2**20:.0f} MiB"
            + (f", {failed} FAILED" if failed else "")
        )
        rows.append(
            (label, f"{combination['provinces_per_hour']:.1f}", f"{combination['dossiers_per_s']:,.0f}", "")
        )
    return rows


def _counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"expected positive whole numbers separated by commas, got {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "province", "large"], default="province")
    parser.add_argument(
        "--year", type=int, default=2025, help="a past year: served as of its 30 December, then one day later"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument(
        "--sources",
        default=",".join(SOURCE_GROUPS),
        help="comma-separated sources the pipeline extracts (default all four); e.g. dvc for a DVC-only year",
    )
    parser.add_argument(
        "--provinces",
        type=_counts,
        metavar="N[,N…]",
        help="instead of the year's benchmark: throughput of N simulated provinces (e.g. 1,2,4), each its "
        "own simulator and `parindex run` process, run --workers at a time",
    )
    parser.add_argument(
        "--workers", type=_counts, default=[1], metavar="W[,W…]", help="with --provinces: runs at a time"
    )
    parser.add_argument("--note", default="", help="written to the JSON, e.g. what else loaded the machine")
    args = parser.parse_args(argv)
    sources = [name.strip() for name in args.sources.split(",") if name.strip()]
    if "dvc" not in sources or set(sources) - set(SOURCE_GROUPS):
        parser.error(f"--sources takes dvc (the baselines' source) and any of {', '.join(SOURCE_GROUPS[1:])}")
    if args.year >= datetime.now().year:
        # New versions get the wall clock (sources.md §1.8 G2); served times past it would be after the
        # connector's window.
        parser.error("--year must be a past year")

    # Other work on the machine shows in the wall times (less in the CPU per record): its load is kept.
    load_before = os.getloadavg()
    if args.provinces:
        results = provinces_throughput(args, sources)
        name = f"provinces-{args.scale}"
        title = (
            f"parindex benchmark, provinces: scale {args.scale}, year {args.year}, sources "
            f"{', '.join(sources)} ({os.cpu_count()} cores)"
        )
        tables = [(title, ("runs", "provinces/h", "dossiers/s"), provinces_report(results))]
        success = all(c["succeeded"] == c["provinces"] for c in results["combinations"])
    else:
        results = year_benchmark(args, sources)
        name = args.scale
        title = (
            f"parindex benchmark: scale {args.scale}, year {args.year}, sources {', '.join(sources)}, "
            f"as of {results['as_of']} then {results['advanced_to']} ({os.cpu_count()} cores)"
        )
        tables = [
            (title, ("measure", "value", "target"), report(results)),
            ("targets of issue 15", ("target", "figure", "limit"), targets(results)),
        ]
        success = results["pipeline"]["success"] and results["incremental"]["success"]
    results |= {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "note": args.note,
        "load_average_1_5_15_min": {"before": load_before, "after": os.getloadavg()},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    result_file = args.out / f"{name}-{datetime.now():%Y%m%dT%H%M%S}.json"
    result_file.write_text(json.dumps(results, indent=2), encoding="utf-8")
    for table in tables:
        print_table(*table)
    for run in ("pipeline", "incremental"):
        for failure in results.get(run, {}).get("failed_steps", []):
            print(f"{run} run failed: {failure}")
    print(f"\nresults written to {result_file}")
    return 0 if success else 1


def year_benchmark(args: argparse.Namespace, sources: list[str]) -> dict:
    """The simulated year end to end, its baselines and the incremental run (the module's steps 1 to 4)."""
    credentials = new_credentials("bench")
    as_of = f"{args.year}-12-30T00:00:00"
    with tempfile.TemporaryDirectory(prefix="parindex-bench-") as folder:
        work = Path(folder)
        dump = work / "ho_so.ndjson"
        with SimulatorProcess(
            args.scale,
            args.year,
            work / "sim",
            credentials,
            extra_args=("--as-of", as_of),
            start_timeout_s=SIMULATOR_START_TIMEOUT_S,
        ) as simulator:
            download = download_only(simulator.base_url, credentials, dump)
            probe = configure_pipeline(work, simulator.variables, credentials, sources)
            with TreeRss(exclude=simulator.process.pid) as tree:
                pipeline = timed_run(args.year, probe, tree)
            # Before the baselines' processes end: RUSAGE_CHILDREN keeps the largest finished child.
            pipeline_rss = peak_rss(tree, pipeline["step_spans"])
            found = baselines(work, simulator.base_url, credentials, dump)
            advanced_to = simulator.advance(days=1)
            incremental = timed_run(args.year, probe)
            simulator_rss = simulator.peak_rss_bytes()
    return {
        "scale": args.scale,
        "year": args.year,
        "sources": sources,
        "as_of": as_of,
        "advanced_to": advanced_to,
        "simulator_ready_s": simulator.ready_after_s,
        "simulator_peak_rss_bytes": simulator_rss or 0,
        "download_only": download,
        "baselines": found,
        "pipeline": pipeline,
        "pipeline_peak_rss": pipeline_rss,
        "incremental": incremental,
        "peak_rss_self_after_incremental_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


if __name__ == "__main__":
    sys.exit(main())
