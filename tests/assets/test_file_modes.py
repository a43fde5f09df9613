"""File modes: what an earlier release wrote readable by every local user is made private at the next run;
the folder of the analysts' read copy stays reachable."""

import os
import stat

from assets.file_modes import PRIVATE_UMASK, make_private
from assets.preflight import check_warehouse


def test_group_and_other_access_is_taken_away_and_the_owners_kept(tmp_path):
    warehouse, history = tmp_path / "warehouse.duckdb", tmp_path / "dagster_home"
    warehouse.write_bytes(b"")
    warehouse.chmod(0o644)
    history.mkdir()
    history.chmod(0o755)
    make_private(warehouse)
    make_private(history)
    make_private(tmp_path / "missing.wal")  # nothing to do
    assert stat.S_IMODE(warehouse.stat().st_mode) == 0o600
    assert stat.S_IMODE(history.stat().st_mode) == 0o700


def test_a_new_warehouse_folder_lets_analysts_reach_the_read_copy_whatever_the_umask(tmp_path):
    folder = tmp_path / "data"
    previous = os.umask(PRIVATE_UMASK)
    try:
        check_warehouse(f"duckdb:///{folder / 'warehouse.duckdb'}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
