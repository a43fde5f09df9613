"""Benchmark: the simulated year end to end at a scale, with two baselines and the transport limit beside it.

    .venv/bin/python bench/benchmark.py --scale province [--year 2025] [--out bench/results]

Starts the simulator in its own process (its time to generate and its memory are reported apart) as of
30 December of the year, so that the year is still in progress and a day's advance brings new records, then:
1. download-only: every dossier page of the year with plain `requests`, as many pages at once as the
   connector fetches (the transport limit of this simulator on this machine), dumping the records to NDJSON;
2. the pipeline: `parindex run --year Y` in this process into a fresh DuckDB, timing every step from the
   Dagster events and the landing of every batch, with records/s per extracted resource and source, wall time
   per stage and the peak RSS of this process (and of its subprocesses);
3. the baselines, each in its own process: dlt's `rest_api` source with its defaults loading the first
   200,000 dossiers into DuckDB (needs `pip install -e '.[bench]'`), and DuckDB reading the NDJSON dump;
4. the incremental rerun: the simulator advances one day and the same year runs again.
Prints one table (figures, targets, met/missed) and writes every figure as JSON so that runs can be compared.
Never part of the test suite.
"""

import argparse
import functools
import importlib.util
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import orjson
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators.process import SimulatorProcess, new_credentials  # noqa: E402

PAGE_SIZE = 1000
CONCURRENT_PAGES = 4
DLT_MAX_RECORDS = 200_000
BASELINES = Path(__file__).resolve().parent / "baselines.py"
# Targets of issue 6 §1, each judged at the scale it is set for.
TARGET_DLT_RATIO = 20
TARGET_DOWNLOAD_SHARE = 0.40
TARGET_YEAR_S, TARGET_YEAR_SCALE = 15 * 60, "large"
TARGET_RSS_BYTES, TARGET_RSS_SCALE = 1.5 * 2**30, "large"
TARGET_INCREMENTAL_S, TARGET_INCREMENTAL_SCALE = 60, "province"
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
    one NDJSON line as its page arrives (for the DuckDB baseline)."""
    session = requests.Session()
    token = session.post(
        f"{base_url}/dvc/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["PARINDEX_DVC_CLIENT_ID"],
            "client_secret": credentials["PARINDEX_DVC_CLIENT_SECRET"],
        },
        timeout=30,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def page(number: int) -> dict:
        answer = session.get(
            f"{base_url}/dvc/api/v1/ho-so",
            params={"page": number, "pageSize": PAGE_SIZE},
            headers=headers,
            timeout=120,
        )
        answer.raise_for_status()
        return answer.json()

    dump_s = 0.0
    with dump.open("wb") as handle:

        def write(records: list[dict]) -> None:
            nonlocal dump_s
            started = time.perf_counter()
            handle.write(b"".join(orjson.dumps(record) + b"\n" for record in records))
            dump_s += time.perf_counter() - started

        started = time.perf_counter()
        first = page(1)
        pages = -(-first["total"] // PAGE_SIZE)
        records = len(first["data"])
        write(first["data"])
        with ThreadPoolExecutor(CONCURRENT_PAGES) as pool:
            for payload in pool.map(page, range(2, pages + 1)):
                records += len(payload["data"])
                write(payload["data"])
        seconds = time.perf_counter() - started
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "ndjson_write_s": dump_s,
        "ndjson_bytes": dump.stat().st_size,
    }


def run_baseline(arguments: list[str], result: Path, env: dict[str, str] | None = None) -> dict:
    """One baseline of bench/baselines.py in its own process; its figures (with its own peak RSS)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(BASELINES), *arguments, str(result)], env=env, check=True)
    figures = json.loads(result.read_text(encoding="utf-8"))
    figures["process_wall_s"] = time.perf_counter() - started
    return figures


class LandingTimer:
    """Time spent in `land_batch` (writing a batch to raw, staging and quarantine), as (start, end) epoch
    intervals, so that each source step splits into extraction and load."""

    def __init__(self) -> None:
        self.intervals: list[tuple[float, float]] = []

    def install(self) -> None:
        """Wraps `land_batch` where every asset module imported it (the asset modules must be imported)."""
        from warehouse.landing import land_batch

        for name, module in list(sys.modules.items()):
            if name.startswith("assets.") and getattr(module, "land_batch", None) is land_batch:
                module.land_batch = self._timed(land_batch)

    def _timed(self, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            started = time.time()
            try:
                return function(*args, **kwargs)
            finally:
                self.intervals.append((started, time.time()))

        return timed

    def within(self, start: float, end: float) -> float:
        return sum(min(b, end) - max(a, start) for a, b in self.intervals if a < end and b > start)


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


def timed_run(year: int, timer: LandingTimer) -> dict:
    """One `run_year` of the year: wall time, step and stage times, raw rows landed per resource."""
    from dagster import DagsterInstance

    from assets.runner import run_year

    group_of_step, step_of_raw = graph_layout()
    before = raw_counts()
    timer.intervals.clear()
    started = time.perf_counter()
    outcome = run_year(year)
    wall = time.perf_counter() - started
    spans = step_spans(DagsterInstance.get().all_logs(outcome.run_id))
    after = raw_counts()

    steps_s = {step: end - start for step, (start, end) in spans.items()}
    load_s = {step: timer.within(start, end) for step, (start, end) in spans.items()}
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
    return {
        "success": outcome.success,
        "run_id": outcome.run_id,
        "wall_s": wall,
        "stages_s": stages,
        "sources": sources,
        "resources": resources,
        "steps_s": steps_s,
        "step_spans": spans,
        "load_s": {step: seconds for step, seconds in load_s.items() if seconds},
    }


def configure_pipeline(
    work: Path, variables: dict[str, str], credentials: dict[str, str], sources: list[str]
) -> LandingTimer:
    os.environ.update(credentials)
    left_out = {name for source in set(SOURCE_GROUPS) - set(sources) for name in SOURCE_VARIABLES[source]}
    os.environ.update({name: value for name, value in variables.items() if name not in left_out})
    os.environ.update(
        {
            "PARINDEX_WAREHOUSE_URL": f"duckdb:///{work / 'warehouse.duckdb'}",
            "PARINDEX_EXPORT_DIR": str(work / "exports"),
            "PARINDEX_PSEUDONYM_KEY": secrets.token_hex(32),
            "DAGSTER_HOME": str(work / "dagster_home"),
        }
    )
    import assets.definitions  # noqa: F401  (imports every asset module, so their land_batch can be timed)

    timer = LandingTimer()
    timer.install()
    return timer


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
    compute-log `tail`) reports the parent's pages as its own peak."""

    def __init__(self, exclude: int, interval_s: float = 0.2):
        self.exclude, self.interval_s = exclude, interval_s
        self.samples: list[tuple[float, int]] = []  # (epoch seconds, bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def peak_bytes(self) -> int:
        return max((rss for _, rss in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> int:
        """The peak of the samples taken from one interval before `start` to one after `end`, so that a
        step shorter than the interval still gets the samples around it."""
        start, end = start - self.interval_s, end + self.interval_s
        return max((rss for at, rss in self.samples if start <= at <= end), default=0)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval_s):
            excluded = {self.exclude, *_descendants(self.exclude)}
            pids = [me] + [pid for pid in _descendants(me) if pid not in excluded]
            self.samples.append((time.time(), sum(_rss_bytes(pid) for pid in pids)))

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


def judge(value: float, limit: float, higher_is_better: bool, scale: str, at_scale: str | None = None) -> str:
    if at_scale is not None and scale != at_scale:
        return f"({at_scale} only)"
    return "met" if (value >= limit if higher_is_better else value < limit) else "MISSED"


def report(results: dict) -> list[tuple[str, str, str, str]]:
    """The table's rows: (measure, value, target, met/missed)."""
    scale, full, rerun = results["scale"], results["pipeline"], results["incremental"]
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
    dossiers = full["resources"]["raw.dvc__ho_so"]
    rate = dossiers["records_per_s"]
    row("  pipeline extract+load (dvc_ho_so step)", f"{rate:,.0f}")
    row("  pipeline extraction alone (step less landing)", f"{dossiers['extract_only_records_per_s']:,.0f}")
    if "skipped" not in dlt:
        ratio = rate / dlt["records_per_s"]
        row(
            "  pipeline ÷ dlt",
            f"{ratio:.1f}×",
            f"≥ {TARGET_DLT_RATIO}×",
            judge(ratio, TARGET_DLT_RATIO, True, scale),
        )
    share = rate / download["records_per_s"]
    row(
        "  pipeline ÷ download-only",
        f"{share:.0%}",
        f"≥ {TARGET_DOWNLOAD_SHARE:.0%}",
        judge(share, TARGET_DOWNLOAD_SHARE, True, scale),
    )
    row("  pipeline ÷ NDJSON → DuckDB", f"{rate / found['ndjson']['records_per_s']:.0%}")
    row("extraction by source (extract+load steps), records/s")
    for source, figures in full["sources"].items():
        label = f"  {SOURCE_LABELS[source]}: {figures['records']:,} records in {figures['step_s']:.1f} s"
        row(label, f"{figures['records_per_s']:,.0f}")
        for table, entry in full["resources"].items():
            if entry["source"] == source and "step_s" in entry:
                seconds = f"{entry['step_s']:.1f} s, load {entry['load_s']:.1f} s"
                row(f"    {table}: {entry['records']:,} in {seconds}", f"{entry['records_per_s']:,.0f}")
    wall = full["wall_s"]
    row(
        "year end to end (extract → exports, read copy), s",
        f"{wall:.1f}",
        f"< {TARGET_YEAR_S} s",
        judge(wall, TARGET_YEAR_S, False, scale, TARGET_YEAR_SCALE),
    )
    stages(full)
    total = max(rss["self_bytes"], rss["tree_sampled_bytes"])
    row(
        "peak RSS of the year's run (this process and its subprocesses), MiB",
        f"{total / mib:.0f}",
        f"< {TARGET_RSS_BYTES / mib:.0f} MiB",
        judge(total, TARGET_RSS_BYTES, False, scale, TARGET_RSS_SCALE),
    )
    row("  this process (ru_maxrss), MiB", f"{rss['self_bytes'] / mib:.0f}")
    row("  with its subprocesses (sampled every 0.2 s), MiB", f"{rss['tree_sampled_bytes'] / mib:.0f}")
    row("  peak of each step (with its subprocesses, sampled), MiB")
    for step, peak in rss["steps_bytes"].items():
        row(f"    {step}", f"{peak / mib:.0f}")
    row(
        "incremental rerun after a day's advance, s",
        f"{rerun['wall_s']:.1f}",
        f"< {TARGET_INCREMENTAL_S} s",
        judge(rerun["wall_s"], TARGET_INCREMENTAL_S, False, scale, TARGET_INCREMENTAL_SCALE),
    )
    new = sum(entry["records"] for entry in rerun["resources"].values())
    row("  raw rows it landed (the catalogues' full pulls included)", f"{new:,}")
    stages(rerun)
    return rows


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
    args = parser.parse_args(argv)
    sources = [name.strip() for name in args.sources.split(",") if name.strip()]
    if "dvc" not in sources or set(sources) - set(SOURCE_GROUPS):
        parser.error(f"--sources takes dvc (the baselines' source) and any of {', '.join(SOURCE_GROUPS[1:])}")
    if args.year >= datetime.now().year:
        # New versions get the wall clock (sources.md §1.8 G2); served times past it would be after the
        # connector's window.
        parser.error("--year must be a past year")

    credentials = new_credentials("bench")
    as_of = f"{args.year}-12-30T00:00:00"
    with tempfile.TemporaryDirectory(prefix="parindex-bench-") as folder:
        work = Path(folder)
        dump = work / "ho_so.ndjson"
        with SimulatorProcess(
            args.scale, args.year, work / "sim", credentials, extra_args=("--as-of", as_of)
        ) as simulator:
            download = download_only(simulator.base_url, credentials, dump)
            timer = configure_pipeline(work, simulator.variables, credentials, sources)
            with TreeRss(exclude=simulator.process.pid) as tree:
                pipeline = timed_run(args.year, timer)
            # Before the baselines' processes end: RUSAGE_CHILDREN keeps the largest finished child.
            pipeline_rss = peak_rss(tree, pipeline["step_spans"])
            found = baselines(work, simulator.base_url, credentials, dump)
            advanced_to = simulator.advance(days=1)
            incremental = timed_run(args.year, timer)
            simulator_rss = simulator.peak_rss_bytes()

    results = {
        "scale": args.scale,
        "year": args.year,
        "sources": sources,
        "as_of": as_of,
        "advanced_to": advanced_to,
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "simulator_ready_s": simulator.ready_after_s,
        "simulator_peak_rss_bytes": simulator_rss or 0,
        "download_only": download,
        "baselines": found,
        "pipeline": pipeline,
        "pipeline_peak_rss": pipeline_rss,
        "incremental": incremental,
        "peak_rss_self_after_incremental_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    result_file = args.out / f"{args.scale}-{datetime.now():%Y%m%dT%H%M%S}.json"
    result_file.write_text(json.dumps(results, indent=2), encoding="utf-8")

    print(
        f"\nparindex benchmark: scale {args.scale}, year {args.year}, sources {', '.join(sources)}, "
        f"as of {as_of} then {advanced_to} ({os.cpu_count()} cores)"
    )
    print(f"{'measure':<72}{'value':>12}  {'target':<14}{'':<12}")
    for label, value, target, status in report(results):
        print(f"{label:<72}{value:>12}  {target:<14}{status}")
    print(f"\nresults written to {result_file}")
    return 0 if pipeline["success"] and incremental["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
