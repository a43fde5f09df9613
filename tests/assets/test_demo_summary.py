"""What `parindex demo` says at the end names only what its run wrote (issue 10: a failed demo printed an
exports path that did not exist)."""

from assets.demo import where_outputs_are


def test_a_failed_demo_names_no_exports_and_no_new_read_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    monkeypatch.setenv("PARINDEX_EXPORT_DIR", str(tmp_path / "exports"))
    failed = "\n".join(where_outputs_are(2026, success=False))
    assert "exports" not in failed and "read copy" not in failed
    assert f"warehouse: {tmp_path / 'warehouse.duckdb'}" in failed
    (tmp_path / "warehouse.read.duckdb").write_bytes(b"")
    assert f"read copy: {tmp_path / 'warehouse.read.duckdb'} (from an earlier run" in "\n".join(
        where_outputs_are(2026, success=False)
    )


def test_a_successful_demo_names_the_exports_and_the_read_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    monkeypatch.setenv("PARINDEX_EXPORT_DIR", str(tmp_path / "exports"))
    done = "\n".join(where_outputs_are(2026, success=True))
    assert f"exports:   {tmp_path / 'exports' / '2026'}" in done
    assert f"read copy: {tmp_path / 'warehouse.read.duckdb'} (analysts open it read-only)" in done
