from warehouse.processed_files import (
    LOADED,
    QUARANTINED,
    RETRY,
    done_files,
    done_hashes,
    file_cache,
    record_files,
)


def test_processed_files_by_content_hash(engine):
    record_files(
        engine,
        "hr",
        [
            {"file_name": "a.xlsx", "size_bytes": 10, "modified_at": 1.5, "sha256": "h1", "status": LOADED},
            {"file_name": "b.xlsx", "size_bytes": 20, "modified_at": 2.5, "sha256": "h2", "status": RETRY},
            {
                "file_name": "c.xlsx",
                "size_bytes": 30,
                "modified_at": 3.5,
                "sha256": "h3",
                "status": QUARANTINED,
                "reason_code": "unreadable_file",
            },
        ],
    )
    # b.xlsx waits for its agency (retry): it is not done, but its hash is cached.
    assert done_hashes(engine, "hr") == {"h1", "h3"}
    assert done_files(engine, "hr") == {"h1": "a.xlsx", "h3": "c.xlsx"}
    assert file_cache(engine, "hr")[("b.xlsx", 20, 2.5)] == "h2"
    assert done_hashes(engine, "edxml") == set()

    # Seen again and loaded this time: its row is replaced, not added.
    record_files(
        engine,
        "hr",
        [{"file_name": "b.xlsx", "size_bytes": 20, "modified_at": 2.5, "sha256": "h2", "status": LOADED}],
    )
    assert done_hashes(engine, "hr") == {"h1", "h2", "h3"}
    assert len(file_cache(engine, "hr")) == 3


def test_a_file_replaces_only_its_own_name_and_content_of_its_own_source(engine):
    def row(name, sha, status=RETRY, mtime=1.0):
        return {"file_name": name, "size_bytes": 5, "modified_at": mtime, "sha256": sha, "status": status}

    record_files(engine, "hr", [row("a.xlsx", "h1"), row("b.xlsx", "h2")])
    record_files(engine, "edxml", [row("a.xlsx", "h1")])
    # a.xlsx again with its content (replaced) and with new content (a second row); b.xlsx untouched.
    record_files(engine, "hr", [row("a.xlsx", "h1", LOADED, 2.0), row("a.xlsx", "h9", LOADED, 3.0)])
    assert file_cache(engine, "hr") == {
        ("a.xlsx", 5, 2.0): "h1",
        ("a.xlsx", 5, 3.0): "h9",
        ("b.xlsx", 5, 1.0): "h2",
    }
    assert done_files(engine, "hr") == {"h1": "a.xlsx", "h9": "a.xlsx"}
    assert file_cache(engine, "edxml") == {("a.xlsx", 5, 1.0): "h1"}
    assert done_hashes(engine, "edxml") == set()
