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
