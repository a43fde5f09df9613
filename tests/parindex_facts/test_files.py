"""Temporary files of atomic writes: those a killed writer left are removed, a live writer's are not."""

import os
import subprocess
import sys

from parindex_facts.files import temporary_beside


def test_the_temporaries_of_a_gone_process_are_removed_and_a_live_ones_kept(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    target = tmp_path / "tu_danh_gia_2025.xlsx"
    left = tmp_path / f".tu_danh_gia_2025.xlsx.{gone.stdout.strip()}.abc123.xlsx"
    live = tmp_path / f".tu_danh_gia_2025.xlsx.{os.getpid()}.def456.xlsx"
    other = tmp_path / f".tu_danh_gia_2024.xlsx.{gone.stdout.strip()}.abc123.xlsx"
    for path in (left, live, other):
        path.write_bytes(b"partial")
    temporary = temporary_beside(target, suffix=".xlsx")
    assert temporary.parent == tmp_path and temporary.suffix == ".xlsx"
    assert temporary.name.startswith(f".tu_danh_gia_2025.xlsx.{os.getpid()}.")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, temporary.name])
