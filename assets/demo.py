"""`parindex demo`: simulate a province in a background process, run the year into DuckDB, export, stop the
simulator, and say where everything is."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from assets.progress import progress
from assets.runner import UsageError
from warehouse.dialect import duckdb_file
from warehouse.engine import warehouse_url
from warehouse.publish import READ_COPY_NAME

DEMO_DIR = Path("data")
DEMO_KEY_FILE = DEMO_DIR / "demo_pseudonym.key"
SIMULATOR_START_TIMEOUT_S = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_pseudonym_key() -> str:
    """The demo's own key, generated once and kept beside its warehouse so that reruns pseudonymise alike."""
    if os.environ.get("PARINDEX_PSEUDONYM_KEY"):
        return os.environ["PARINDEX_PSEUDONYM_KEY"]
    if not DEMO_KEY_FILE.exists():
        DEMO_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEMO_KEY_FILE.write_text(secrets.token_hex(32), encoding="ascii")
        DEMO_KEY_FILE.chmod(0o600)
        progress(
            f"generated a pseudonymisation key for the demo in {DEMO_KEY_FILE} (never use it in production)"
        )
    return DEMO_KEY_FILE.read_text(encoding="ascii").strip()


def start_simulator(year: int, scale: str, port: int, credentials: dict[str, str]) -> subprocess.Popen:
    sim_dir = DEMO_DIR / "sim"
    command = [
        sys.executable,
        "-m",
        "simulators",
        "--scale",
        scale,
        "--year",
        str(year),
        "--port",
        str(port),
        "--hr-dir",
        str(sim_dir / "hr"),
        "--edxml-dir",
        str(sim_dir / "edxml"),
        "--manifest",
        str(sim_dir / "quirk_manifest.jsonl"),
    ]
    # Its own process group, so that stopping it never leaves children behind (DESIGN.md pitfalls).
    return subprocess.Popen(
        command,
        env={**os.environ, **credentials},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until_serving(process: subprocess.Popen, base_url: str) -> None:
    deadline = time.monotonic() + SIMULATOR_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the simulator exited with code {process.returncode} before serving")
        try:
            if requests.get(f"{base_url}/_sim/health", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the simulator did not answer on {base_url} within {SIMULATOR_START_TIMEOUT_S} s")


def stop_simulator(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_demo(year: int, scale: str) -> int:
    from assets.runner import run_year

    started = time.monotonic()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    credentials = {
        "PARINDEX_DVC_CLIENT_ID": "demo-" + secrets.token_hex(4),
        "PARINDEX_DVC_CLIENT_SECRET": secrets.token_urlsafe(24),
    }
    os.environ["PARINDEX_PSEUDONYM_KEY"] = demo_pseudonym_key()
    progress(f"starting the {scale} simulator for {year} on {base_url} (generating data)")
    process = start_simulator(year, scale, port, credentials)
    try:
        wait_until_serving(process, base_url)
        progress(f"simulator ready after {time.monotonic() - started:.0f} s")
        os.environ.update(credentials)
        os.environ["PARINDEX_DVC_URL"] = f"{base_url}/dvc"
        outcome = run_year(year)
    except RuntimeError as error:
        raise UsageError(str(error)) from error
    finally:
        stop_simulator(process)
    export_dir = Path(os.environ.get("PARINDEX_EXPORT_DIR", "exports")) / str(year)
    database_file = duckdb_file(warehouse_url())
    where = (
        f"{Path(database_file).resolve()}\n"
        f"  read copy: {Path(database_file).with_name(READ_COPY_NAME).resolve()} (analysts open it read-only)"
        if database_file
        else "the PostgreSQL warehouse of PARINDEX_WAREHOUSE_URL"
    )
    print(
        f"\nparindex demo for {year} ({scale} scale) finished in {time.monotonic() - started:.0f} s"
        f" ({'success' if outcome.success else 'with failures'}).\n"
        f"  exports:   {export_dir.resolve()}\n"
        f"  warehouse: {where}\n"
        f"  Dagster UI on this run's history:\n"
        f"    DAGSTER_HOME={os.environ['DAGSTER_HOME']} .venv/bin/dagster dev -w workspace.yaml\n"
        f"    then open http://127.0.0.1:3000"
    )
    return outcome.report()
