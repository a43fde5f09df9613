"""Throughput of the HR, edXML and QLVB readers (issue 15, target 4), each alone, with its landing.

    .venv/bin/python bench/readers_profile.py --scale province [--readers hr,edxml,qlvb] [--profile DIR]
    .venv/bin/python bench/readers_profile.py --data DIR --url http://127.0.0.1:PORT  (a simulator running)

Starts the simulator as of 30 December of the year (or uses one already serving `--url`, whose folders are
under `--data` and whose QLVB key is `PARINDEX_QLVB_API_KEY`), then runs each reader's extraction as its
Dagster step does (`etl.source.run_extraction` over the asset's source, into a fresh DuckDB warehouse holding
the agency table) and prints rows landed in `raw` per second of the step's wall time, beside the process CPU
seconds it took (the simulator's apart: it serves from its own process). `--profile DIR` writes a cProfile
of each reader there (`python -m pstats`). Never part of the test suite; the machine may be shared, so CPU
seconds are the steadier figure.
"""

import argparse
import cProfile
import json
import os
import secrets
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators.process import SimulatorProcess, new_credentials  # noqa: E402

READERS = ("hr", "edxml", "qlvb")
# Issue 15, target 4: rows landed in raw per second of the step.
TARGETS = {"hr": 15_000, "edxml": 4_000, "qlvb": 20_000}
RAW_TABLES = {"hr": "raw.hr__nhansu", "edxml": "raw.qlvb__edxml", "qlvb": "raw.qlvb__documents"}


def _warehouse(work: Path, name: str):
    from assets.reference import agency_config_rows
    from warehouse import reference, schema
    from warehouse.engine import make_engine

    path = work / f"{name}.duckdb"
    for stale in (path, work / f"{name}.duckdb.wal"):
        stale.unlink(missing_ok=True)
    engine = make_engine(f"duckdb:///{path}")
    schema.ensure_schema(engine)
    reference.load_agency_config(engine, agency_config_rows(None))
    return engine


def _source(name: str, engine, data: Path, url: str, api_key: str, stack):
    from assets.extraction import source_context
    from assets.hr import hr_source
    from assets.qlvb import edxml_source
    from assets.resources import PipelineSettings
    from etl.hr.context import HrContext
    from etl.qlvb.client import QlvbClient, QlvbSettings
    from etl.qlvb.context import QlvbContext
    from etl.qlvb.extract import QlvbExtractor
    from etl.qlvb.source import QlvbDocumentsSource

    settings = PipelineSettings(pseudonym_key=os.environ["PARINDEX_PSEUDONYM_KEY"])
    if name == "hr":
        return hr_source(engine, data / "hr", source_context(engine, settings, "hr", HrContext), workers=1)
    context = source_context(engine, settings, "qlvb", QlvbContext)
    if name == "edxml":
        return edxml_source(engine, data / "edxml", context)
    client = QlvbClient(QlvbSettings(f"{url}/qlvb", api_key, settings.timezone))
    stack.append(client)
    return QlvbDocumentsSource(QlvbExtractor(client, context))


def measure(name: str, work: Path, data: Path, url: str, api_key: str, profile_dir: Path | None) -> dict:
    from assets.landing import EngineWarehouse
    from etl.source import RunSettings, run_extraction
    from warehouse import reading

    engine = _warehouse(work, name)
    clients: list = []
    try:
        source = _source(name, engine, data, url, api_key, clients)
        tz = ZoneInfo("Asia/Ho_Chi_Minh")
        settings = RunSettings(
            "bench", datetime(2024, 12, 1), False, lambda: datetime.now(tz).replace(tzinfo=None)
        )
        profiler = cProfile.Profile() if profile_dir is not None else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        report = run_extraction(source, EngineWarehouse(engine), settings)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile_dir / f"{name}.prof")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        raw = reading.table_counts(engine, [RAW_TABLES[name]])[RAW_TABLES[name]]
    finally:
        for client in clients:
            client.close()
        engine.dispose()
    return {
        "raw_rows": raw,
        "files": report.files,
        "staged": report.staged,
        "quarantined": report.quarantined,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "rows_per_s": round(raw / wall),
        # Rows per CPU second of this process: what the step would reach with a core of its own.
        "rows_per_cpu_s": round(raw / max(cpu, 1e-9)),
        "cpu_us_per_row": round(cpu / max(raw, 1) * 1e6, 1),
        "target_rows_per_s": TARGETS[name],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("small", "province", "large"), default="province")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--data", type=Path, help="the folders of a simulator already serving --url")
    parser.add_argument("--url", help="base URL of a simulator already serving")
    parser.add_argument("--profile", type=Path, help="write a cProfile of each reader to this folder")
    parser.add_argument("--out", type=Path, help="write the figures as JSON to this file")
    args = parser.parse_args()
    readers = [name.strip() for name in args.readers.split(",") if name.strip()]
    unknown = set(readers) - set(READERS)
    if unknown:
        parser.error(f"unknown readers {sorted(unknown)}; expected some of {READERS}")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="readers-") as scratch:
        work = Path(scratch)
        os.environ.setdefault("PARINDEX_PSEUDONYM_KEY", secrets.token_hex(32))
        os.environ.setdefault("DAGSTER_HOME", str(work / "dagster_home"))
        if args.url:
            if args.data is None:
                parser.error("--url needs --data")
            results = _run_all(readers, work, args.data, args.url, os.environ["PARINDEX_QLVB_API_KEY"], args)
        else:
            credentials = new_credentials("readers")
            with SimulatorProcess(
                args.scale, args.year, work / "sim", credentials, extra_args=("--as-of", f"{args.year}-12-30")
            ) as sim:
                print(f"simulator ready after {sim.ready_after_s:.0f} s", flush=True)
                results = _run_all(
                    readers, work, work / "sim", sim.base_url, credentials["PARINDEX_QLVB_API_KEY"], args
                )
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=2))
    return 0


def _run_all(readers, work: Path, data: Path, url: str, api_key: str, args) -> dict:
    results = {}
    heads = ("raw rows", "wall s", "CPU s", "rows/s", "rows/CPU s", "target", "µs CPU/row")
    print(f"{'reader':8} " + " ".join(f"{head:>10}" for head in heads))
    for name in readers:
        figures = measure(name, work, data, url, api_key, args.profile)
        results[name] = figures
        target = figures["target_rows_per_s"]
        met = "met" if figures["rows_per_s"] >= target else "missed"
        met += ", per CPU s " + ("met" if figures["rows_per_cpu_s"] >= target else "missed")
        shown = [f"{figures[key]:>10,}" for key in ("raw_rows", "wall_s", "cpu_s", "rows_per_s")]
        shown += [f"{figures[key]:>10,}" for key in ("rows_per_cpu_s", "target_rows_per_s", "cpu_us_per_row")]
        print(f"{name:8} " + " ".join(shown) + f" {met}", flush=True)
    return results


if __name__ == "__main__":
    sys.exit(main())
