"""Files an earlier release wrote readable by every local user are made private at the next run."""

import stat

from assets.file_modes import make_private


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
