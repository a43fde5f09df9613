"""The simulator as a background process (for `parindex demo` and the benchmark): its own process and
process group, so it serves on the other core and stops with everything it started."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def new_credentials(prefix: str) -> dict[str, str]:
    """Fresh credentials for every simulated source, handed to the simulator through its environment."""
    return {
        "PARINDEX_DVC_CLIENT_ID": f"{prefix}-{secrets.token_hex(4)}",
        "PARINDEX_DVC_CLIENT_SECRET": secrets.token_urlsafe(24),
        "PARINDEX_QLVB_API_KEY": secrets.token_urlsafe(24),
        "PARINDEX_ECABINET_USER": f"{prefix}-{secrets.token_hex(4)}",
        "PARINDEX_ECABINET_PASSWORD": secrets.token_urlsafe(24),
    }


class SimulatorProcess:
    """`with SimulatorProcess(scale, year, folder, credentials) as sim:` serves on `sim.base_url` until the
    block ends. `credentials` are the `PARINDEX_*` credential variables the simulator takes from its
    environment (sources.md §1.3)."""

    def __init__(
        self,
        scale: str,
        year: int,
        folder: Path,
        credentials: dict[str, str],
        start_timeout_s: float = 900,
        extra_args: tuple[str, ...] = (),
    ):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(folder)
        self.credentials = credentials
        self.start_timeout_s = start_timeout_s
        self.command = [
            sys.executable,
            "-m",
            "simulators",
            "--scale",
            scale,
            "--year",
            str(year),
            "--port",
            str(self.port),
            "--hr-dir",
            str(self.folder / "hr"),
            "--edxml-dir",
            str(self.folder / "edxml"),
            "--manifest",
            str(self.folder / "quirk_manifest.jsonl"),
            *extra_args,
        ]
        self.process: subprocess.Popen | None = None
        self.ready_after_s: float | None = None

    @property
    def variables(self) -> dict[str, str]:
        """Where the simulated sources are (sources.md §1.3); the credentials are the ones passed in."""
        return {
            "PARINDEX_DVC_URL": f"{self.base_url}/dvc",
            "PARINDEX_QLVB_URL": f"{self.base_url}/qlvb",
            "PARINDEX_ECABINET_URL": f"{self.base_url}/ecabinet",
            "PARINDEX_EDXML_DIR": str(self.folder / "edxml"),
            "PARINDEX_HR_DIR": str(self.folder / "hr"),
        }

    def __enter__(self) -> "SimulatorProcess":
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command,
            env={**os.environ, **self.credentials},
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_until_serving(started)
        except BaseException:
            self.stop()
            raise
        self.ready_after_s = time.monotonic() - started
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_serving(self, started: float) -> None:
        while time.monotonic() - started < self.start_timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"the simulator exited with code {self.process.returncode} before serving")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_sim/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the simulator did not answer on {self.base_url} within {self.start_timeout_s} s")

    def advance(self, days: float = 1) -> str:
        """Moves the simulator's as-of time forward by `days` (new versions at the wall clock) and writes
        the files of the new as-of time; returns the new as-of time."""
        request = urllib.request.Request(f"{self.base_url}/_sim/advance?days={days}", method="POST")
        with urllib.request.urlopen(request, timeout=self.start_timeout_s) as answer:
            return json.loads(answer.read())["as_of"]

    def peak_rss_bytes(self) -> int | None:
        """The simulator's own peak resident memory (Linux), reported apart from the pipeline's."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
