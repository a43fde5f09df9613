"""`parindex simulate` (interface.md §2) as implemented by simulators.cli."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from simulators.cli import main, parse_as_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [["--faults", "2"], ["--as-of", "yesterday"], ["--scale", "huge"], ["--hr-dir", "x", "--edxml-dir", "x"]],
)
def test_bad_usage_exits_with_2(argv):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2


def test_manifest_inside_a_data_folder_is_refused(tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main(["--hr-dir", str(tmp_path / "hr"), "--manifest", str(tmp_path / "hr" / "m.jsonl")])
    assert stopped.value.code == 2


def test_as_of_formats():
    assert (
        parse_as_of("2025-06-30T12:00:00")
        == parse_as_of("20250630120000")
        == parse_as_of("2025-06-30 12:00:00")
    )


def test_simulate_serves_prints_the_variables_and_stops_on_sigterm(tmp_path):
    command = [sys.executable, "-m", "simulators", "--year", "2025", "--port", "0", "--as-of", "2025-03-01"]
    command += ["--hr-dir", str(tmp_path / "sim" / "hr"), "--edxml-dir", str(tmp_path / "sim" / "edxml")]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("PARINDEX_DVC_CLIENT_ID", None)
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True
    )
    try:
        expected = {
            "PARINDEX_DVC_URL",
            "PARINDEX_DVC_CLIENT_ID",
            "PARINDEX_DVC_CLIENT_SECRET",
            "PARINDEX_QLVB_URL",
            "PARINDEX_QLVB_API_KEY",
            "PARINDEX_ECABINET_URL",
            "PARINDEX_ECABINET_USER",
            "PARINDEX_ECABINET_PASSWORD",
            "PARINDEX_HR_DIR",
            "PARINDEX_EDXML_DIR",
        }
        exports = {}
        while not expected <= set(exports):
            line = process.stdout.readline()
            assert line.startswith("export "), line
            name, value = line.strip().removeprefix("export ").split("=", 1)
            exports[name] = value
        assert set(exports) == expected
        base = exports["PARINDEX_DVC_URL"].removesuffix("/dvc")
        assert requests.get(base + "/_sim/health", timeout=10).json()["year"] == 2025
        assert Path(exports["PARINDEX_HR_DIR"]).is_dir() and Path(exports["PARINDEX_EDXML_DIR"]).is_dir()
        # As of 1 March, the packages that arrived by then are in the drop, none still as `.part`.
        names = [path.name for path in Path(exports["PARINDEX_EDXML_DIR"]).iterdir()]
        assert names and all(name.endswith(".edxml") and name[:8] <= "20250301" for name in names)
        # The manifest goes beside the HR and edXML folders, never inside them.
        assert (tmp_path / "sim" / "quirk_manifest.jsonl").stat().st_size > 0
        # So do the ground truths of metrics.md §12, with the fields it names.
        fields = {
            "docreq_manifest.jsonl": {"agency", "requirement", "item", "outcome", "document_id"},
            "hr_manifest.jsonl": {"agency", "unit", "deputies", "limit"},
        }
        for name, keys in fields.items():
            lines = (tmp_path / "sim" / name).read_text(encoding="utf-8").splitlines()
            assert lines and all(set(json.loads(line)) == keys for line in lines), name
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
