"""Pending rows merged many batches at a time end as if every batch had been merged as it landed (issue 15).

Random batches of apologies with rivals for a key within a batch and across batches, equal versions with
other content, the same content again, older versions and two batches extracted at the same instant are
landed twice: merged at once, batch by batch (`merge_every=0`, the rules test_landing.py checks against
hand-written rows), and left pending until one merge at the end. Staging and the quarantine must be the same,
row for row, batch ids and fetch order included."""

import json
import random
import threading
from datetime import datetime, timedelta

import pytest

from tests.warehouse.batches import make_batch, quarantine_table
from tests.warehouse.conftest import rows
from warehouse import dialect
from warehouse.landing import land_batch, merge_pending, pending_rows
from warehouse.reference import load_agency_config

ENTITY = "phieu-xin-loi"
STATUSES = ("Chờ xử lý", "Đã xử lý", "Hủy")
STAGING = "SELECT * FROM staging.stg_dvc__apology ORDER BY _key"
QUARANTINE = (
    "SELECT record_key, record_version, locator, reason_code, record, agency_code, batch_id"
    " FROM quarantine.rejected_record ORDER BY record_key, record_version, batch_id, locator"
)
LANDED = ("raw.dvc__phieu_xin_loi", "staging.stg_dvc__apology", "quarantine.rejected_record")


def _batches(seed: int) -> list[tuple[str, datetime, list[dict]]]:
    generator = random.Random(seed)
    keys = [f"XL-{number}" for number in range(10)]
    versions = [datetime(2025, 3, day) for day in (1, 2, 3)]
    extracted_at = datetime(2025, 7, 1)
    batches = []
    for number in range(8):
        if generator.random() > 0.2:  # otherwise extracted at the same instant as the batch before
            extracted_at += timedelta(hours=1)
        records = [
            {
                "apology_id": generator.choice(keys),
                "dossier_code": "D-1",
                "kind": "Xin lỗi",
                "status": generator.choice(STATUSES),
                "updated_at": generator.choice(versions),
            }
            for _ in range(generator.randint(2, 9))
        ]
        # Built once, so that both landings see the same fetch order.
        batches.append((f"b-{number}", extracted_at, make_batch(ENTITY, "apology_id", records)))
    return batches


def _land_all(engine, batches, merge_every: int) -> None:
    for batch_id, extracted_at, records in batches:
        raw, staged = records
        land_batch(
            engine,
            batch_id,
            extracted_at,
            "dvc",
            ENTITY,
            raw,
            staged,
            quarantine_table([]),
            merge_every=merge_every,
        )


def _emptied(engine) -> None:
    with engine.begin() as conn:
        for table in LANDED:
            conn.exec_driver_sql(f"DELETE FROM {table}")


@pytest.mark.parametrize("seed", range(6))
def test_merging_pending_batches_together_ends_like_merging_each_as_it_landed(engine, seed):
    load_agency_config(engine, [{"agency_code": "H35.01"}])
    batches = _batches(seed)
    _land_all(engine, batches, merge_every=0)
    at_once = rows(engine, STAGING), rows(engine, QUARANTINE)
    _emptied(engine)

    _land_all(engine, batches, merge_every=10**9)
    assert rows(engine, STAGING) == [] and pending_rows(engine, "dvc", ENTITY) > 0
    merge_pending(engine, "dvc", ENTITY)

    assert pending_rows(engine, "dvc", ENTITY) == 0
    assert (rows(engine, STAGING), rows(engine, QUARANTINE)) == at_once
    # The draw must hold what the merge decides between, or the equality shows nothing.
    assert at_once[1], "no duplicate conflict drawn"
    assert len(at_once[0]) < sum(staged.num_rows for _, _, (_, staged) in batches)


def test_each_conflict_of_a_merge_is_quarantined_with_its_own_record_by_the_batch_that_found_it(engine):
    """One merge of three batches finds three duplicate conflicts, two of them on one key: every loser comes
    with its own record from raw and is quarantined by the batch whose row replaced it."""
    load_agency_config(engine, [{"agency_code": "H35.01"}])

    def apology(key: str, status: str) -> dict:
        return {
            "apology_id": key,
            "dossier_code": "D-1",
            "kind": "Xin lỗi",
            "status": status,
            "updated_at": datetime(2025, 3, 1),
        }

    contents = [
        [apology("XL-a", "Chờ xử lý"), apology("XL-b", "Chờ xử lý")],
        [apology("XL-a", "Đã xử lý")],
        [apology("XL-a", "Hủy"), apology("XL-b", "Hủy")],
    ]
    batches = [
        (f"b-{number}", datetime(2025, 7, 1, number), make_batch(ENTITY, "apology_id", records))
        for number, records in enumerate(contents, start=1)
    ]
    _land_all(engine, batches, merge_every=10**9)
    merge_pending(engine, "dvc", ENTITY)

    assert [
        (key, reason, json.loads(record)["status"], batch_id)
        for key, _, _, reason, record, _, batch_id in rows(engine, QUARANTINE)
    ] == [
        ("XL-a", "duplicate_conflict", "Chờ xử lý", "b-2"),
        ("XL-a", "duplicate_conflict", "Đã xử lý", "b-3"),
        ("XL-b", "duplicate_conflict", "Chờ xử lý", "b-3"),
    ]
    assert rows(engine, "SELECT _key, status, _batch_id FROM staging.stg_dvc__apology ORDER BY _key") == [
        ("XL-a", "Hủy", "b-3"),
        ("XL-b", "Hủy", "b-3"),
    ]


def test_a_batch_landed_again_before_its_merge_is_pending_once(engine):
    load_agency_config(engine, [{"agency_code": "H35.01"}])
    batch = _batches(0)[:1]
    raw, staged = batch[0][2]
    keys = sorted(set(staged.column("_key").to_pylist()))
    _land_all(engine, batch, merge_every=10**9)
    _land_all(engine, batch, merge_every=10**9)

    assert pending_rows(engine, "dvc", ENTITY) == staged.num_rows
    merge_pending(engine, "dvc", ENTITY)
    assert [row[0] for row in rows(engine, "SELECT _key FROM staging.stg_dvc__apology ORDER BY 1")] == keys
    assert rows(engine, "SELECT COUNT(*) FROM raw.dvc__phieu_xin_loi") == [(raw.num_rows,)]


def test_batches_appended_while_merges_run_are_all_merged_once(engine):
    """PostgreSQL runs steps side by side: one step may merge a source's targets while another appends to
    them. Every batch must reach staging once, as merged one by one."""
    if dialect.is_duckdb(engine):
        pytest.skip("DuckDB has one writer at a time")
    load_agency_config(engine, [{"agency_code": "H35.01"}])
    batches = _batches(1) + [
        (f"c-{n}", at + timedelta(days=1), data) for n, (_, at, data) in enumerate(_batches(2))
    ]
    _land_all(engine, batches, merge_every=0)
    at_once = rows(engine, STAGING), rows(engine, QUARANTINE)
    _emptied(engine)

    appending = threading.Thread(target=_land_all, args=(engine, batches, 10**9))
    appending.start()
    merges = 0
    while appending.is_alive():
        merge_pending(engine, "dvc", ENTITY)
        merges += 1
    appending.join()
    merge_pending(engine, "dvc", ENTITY)

    assert merges > 1 and pending_rows(engine, "dvc", ENTITY) == 0
    assert (rows(engine, STAGING), rows(engine, QUARANTINE)) == at_once
