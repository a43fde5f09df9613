"""An export file is rewritten exactly when what would go into it, or the file itself, changed."""

import os
from datetime import date, datetime
from decimal import Decimal

from scoring.export_inputs import write_if_changed

ROWS = [{"agency_code": "H35.01", "score": Decimal("7.50"), "as_of": datetime(2025, 12, 31, 23, 0)}]


def _writer(path, content: bytes, calls: list):
    def write():
        calls.append(content)
        path.write_bytes(content)
        return path

    return write


def test_identical_inputs_write_once(tmp_path):
    path, calls = tmp_path / "tu_danh_gia_2025.xlsx", []
    assert write_if_changed(path, (ROWS, date(2025, 12, 31)), _writer(path, b"one", calls))
    written = path.stat().st_mtime_ns
    assert not write_if_changed(path, (ROWS, date(2025, 12, 31)), _writer(path, b"two", calls))
    assert calls == [b"one"] and path.read_bytes() == b"one" and path.stat().st_mtime_ns == written


def test_any_changed_input_rewrites(tmp_path):
    path, calls = tmp_path / "f.xlsx", []
    write_if_changed(path, (ROWS, date(2025, 12, 31)), _writer(path, b"one", calls))
    # Another export date (the heading prints it), then another score.
    assert write_if_changed(path, (ROWS, date(2026, 1, 1)), _writer(path, b"two", calls))
    changed = [{**ROWS[0], "score": Decimal("7.25")}]
    assert write_if_changed(path, (changed, date(2026, 1, 1)), _writer(path, b"three", calls))
    assert calls == [b"one", b"two", b"three"] and path.read_bytes() == b"three"


def test_a_file_edited_or_removed_since_is_written_again(tmp_path):
    path, calls = tmp_path / "f.xlsx", []
    inputs = (ROWS, date(2025, 12, 31))
    write_if_changed(path, inputs, _writer(path, b"one", calls))
    path.write_bytes(b"edited by the officer")
    assert write_if_changed(path, inputs, _writer(path, b"one", calls))
    assert path.read_bytes() == b"one"
    # Same size, other time: still not the file written.
    os.utime(path, ns=(0, 0))
    assert write_if_changed(path, inputs, _writer(path, b"one", calls))
    path.unlink()
    assert write_if_changed(path, inputs, _writer(path, b"one", calls))
    assert len(calls) == 4 and path.read_bytes() == b"one"


def test_a_lost_record_rewrites_and_a_failed_write_leaves_no_record(tmp_path):
    path, calls = tmp_path / "f.xlsx", []
    inputs = (ROWS, date(2025, 12, 31))
    write_if_changed(path, inputs, _writer(path, b"one", calls))
    (tmp_path / ".f.xlsx.inputs").unlink()
    assert write_if_changed(path, inputs, _writer(path, b"one", calls))

    def failing():
        path.write_bytes(b"half")
        raise OSError("disk full")

    changed = (ROWS, date(2026, 1, 1))
    try:
        write_if_changed(path, changed, failing)
    except OSError:
        pass
    assert not (tmp_path / ".f.xlsx.inputs").exists()
    assert write_if_changed(path, inputs, _writer(path, b"one", calls))
    assert len(calls) == 3
