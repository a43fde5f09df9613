"""Benchmark: the simulated year end to end at a scale, with the transport limit beside it.

    .venv/bin/python bench/benchmark.py --scale province [--year 2025] [--out bench/results]

Starts the simulator in its own process (its time to generate and its memory are reported apart), then:
1. download-only: every dossier page of the year with plain `requests`, as many pages at once as the
   connector fetches (the transport limit of this simulator on this machine);
2. the pipeline: `parindex run --year Y` in this process into a fresh DuckDB, timing every step from the
   Dagster events, with records/s per extracted resource and the peak RSS of this process.
Prints one table and writes the figures as JSON so that runs can be compared. Never part of the test suite.
"""

import argparse
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators.process import SimulatorProcess, new_credentials  # noqa: E402

PAGE_SIZE = 1000
CONCURRENT_PAGES = 4


def download_only(base_url: str, credentials: dict[str, str]) -> tuple[int, float]:
    """(records, seconds) to download every `ho-so` page, parse nothing beyond the JSON envelope."""
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

    started = time.perf_counter()
    first = page(1)
    pages = -(-first["total"] // PAGE_SIZE)
    records = len(first["data"])
    with ThreadPoolExecutor(CONCURRENT_PAGES) as pool:
        for payload in pool.map(page, range(2, pages + 1)):
            records += len(payload["data"])
    return records, time.perf_counter() - started


def step_timings(entries) -> dict[str, float]:
    """Seconds per Dagster step, from its start and success (or failure) events."""
    started, timings = {}, {}
    for entry in entries:
        if entry.dagster_event is None:
            continue
        kind = entry.dagster_event.event_type_value
        if kind == "STEP_START":
            started[entry.step_key] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in started:
            timings[entry.step_key] = entry.timestamp - started[entry.step_key]
    return timings


def run_pipeline(year: int, work: Path, variables: dict[str, str], credentials: dict[str, str]) -> dict:
    os.environ.update(credentials)
    os.environ.update(variables)
    os.environ.update(
        {
            "PARINDEX_WAREHOUSE_URL": f"duckdb:///{work / 'warehouse.duckdb'}",
            "PARINDEX_EXPORT_DIR": str(work / "exports"),
            "PARINDEX_PSEUDONYM_KEY": secrets.token_hex(32),
            "DAGSTER_HOME": str(work / "dagster_home"),
        }
    )
    from dagster import DagsterInstance

    from assets.runner import run_year
    from warehouse import reading
    from warehouse.engine import make_engine

    started = time.perf_counter()
    outcome = run_year(year)
    wall = time.perf_counter() - started
    instance = DagsterInstance.get()
    events = instance.all_logs(outcome.run_id)
    engine = make_engine()
    raw_counts = reading.table_counts(
        engine,
        [f"raw.dvc__{name}" for name in ("ho_so", "phieu_xin_loi", "danh_gia", "pakn", "thu_tuc", "don_vi")],
    )
    engine.dispose()
    return {
        "success": outcome.success,
        "wall_s": wall,
        "steps": step_timings(events),
        "raw_counts": raw_counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "province", "large"], default="province")
    parser.add_argument("--year", type=int, default=2025, help="a past year, so the whole year is served")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)

    credentials = new_credentials("bench")
    with tempfile.TemporaryDirectory(prefix="parindex-bench-") as folder:
        work = Path(folder)
        with SimulatorProcess(args.scale, args.year, work / "sim", credentials) as simulator:
            downloaded, download_s = download_only(simulator.base_url, credentials)
            pipeline = run_pipeline(args.year, work, simulator.variables, credentials)
            simulator_rss = simulator.peak_rss_bytes()
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    steps = pipeline["steps"]
    dossier_step = steps.get("dvc_ho_so", float("nan"))
    dossiers = pipeline["raw_counts"]["raw.dvc__ho_so"]
    results = {
        "scale": args.scale,
        "year": args.year,
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "simulator_ready_s": simulator.ready_after_s,
        "simulator_peak_rss_bytes": simulator_rss,
        "download_only": {
            "records": downloaded,
            "seconds": download_s,
            "records_per_s": downloaded / download_s,
        },
        "pipeline": {
            "success": pipeline["success"],
            "wall_s": pipeline["wall_s"],
            "peak_rss_bytes": peak_rss,
            "dossier_extraction_records_per_s": dossiers / dossier_step,
            "raw_counts": pipeline["raw_counts"],
            "steps_s": steps,
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    result_file = args.out / f"{args.scale}-{datetime.now():%Y%m%dT%H%M%S}.json"
    result_file.write_text(json.dumps(results, indent=2), encoding="utf-8")

    print(f"\nparindex benchmark: scale {args.scale}, year {args.year} (2 cores)")
    print(f"{'measure':<66}{'value':>14}")
    rows = [
        ("simulator ready after (generation), s", f"{simulator.ready_after_s:.1f}"),
        ("simulator peak RSS, MiB", f"{(simulator_rss or 0) / 2**20:.0f}"),
        ("download-only ho-so, records/s (transport limit)", f"{downloaded / download_s:,.0f}"),
        ("pipeline dvc ho-so extract+load, records/s", f"{dossiers / dossier_step:,.0f}"),
        ("  ratio to download-only", f"{(dossiers / dossier_step) / (downloaded / download_s):.0%}"),
        ("pipeline wall time (extract → exports), s", f"{pipeline['wall_s']:.1f}"),
        ("pipeline peak RSS, MiB", f"{peak_rss / 2**20:.0f}"),
    ]
    rows += [
        (f"  step {name}, s", f"{seconds:.1f}")
        for name, seconds in sorted(steps.items(), key=lambda i: -i[1])[:12]
    ]
    for label, value in rows:
        print(f"{label:<66}{value:>14}")
    print(f"\nresults written to {result_file}")
    return 0 if pipeline["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
