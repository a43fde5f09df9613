"""Array entries land in child tables and are replaced together with their parent row."""

from datetime import datetime

import pyarrow as pa
import pytest
import sqlalchemy as sa

from tests.warehouse.conftest import rows
from warehouse import schema
from warehouse.landing import land_batch

JAN1, JAN2 = datetime(2025, 1, 1), datetime(2025, 1, 2)


@pytest.fixture
def parent_target(engine, monkeypatch):
    """A throwaway parent/child pair in its own metadata, registered as source "test", entity "parent"."""
    local = sa.MetaData()
    raw = sa.Table(
        "test__parent",
        local,
        *(sa.Column(c.name, c.type) for c in schema.landing_target("dvc", "pakn").raw.columns),
        schema="raw",
    )
    staging = sa.Table(
        "stg_test__parent",
        local,
        sa.Column("status", sa.Text),
        *(
            sa.Column(n, t)
            for n, t in [("_key", sa.Text), ("_version", sa.DateTime), ("_content_hash", sa.Text)]
        ),
        *(sa.Column(n, t) for n, t in [("_fetch_seq", sa.BigInteger), ("_batch_id", sa.Text)]),
        sa.Column("_extracted_at", sa.DateTime),
        schema="staging",
    )
    child = sa.Table(
        "stg_test__entry",
        local,
        sa.Column("_parent_key", sa.Text),
        sa.Column("_parent_fetch_seq", sa.BigInteger),
        sa.Column("_batch_id", sa.Text),
        sa.Column("member", sa.Text),
        schema="staging",
    )
    for table in (staging, child):
        schema.pending_twin(table)
    local.create_all(engine)
    target = schema.LandingTarget(raw, staging, None, {"stg_test__entry": child})
    monkeypatch.setitem(schema.LANDING_TARGETS, ("test", "parent"), target)
    yield
    local.drop_all(engine)


def _land(engine, batch_id, parents, entries):
    raw = pa.table(
        {
            "_locator": [f"#{i}" for i in range(len(parents))],
            "_key": [p[0] for p in parents],
            "_version": pa.array([p[1] for p in parents], pa.timestamp("us")),
            "_record": ["{}"] * len(parents),
            "_drift_fields": pa.array([None] * len(parents), pa.string()),
        }
    )
    staged = pa.table(
        {
            "status": [p[2] for p in parents],
            "_key": [p[0] for p in parents],
            "_version": pa.array([p[1] for p in parents], pa.timestamp("us")),
            "_content_hash": [p[2] for p in parents],
            "_fetch_seq": pa.array([p[3] for p in parents], pa.int64()),
        }
    )
    children = pa.table(
        {
            "_parent_key": [e[0] for e in entries],
            "_parent_fetch_seq": pa.array([e[1] for e in entries], pa.int64()),
            "member": [e[2] for e in entries],
        }
    )
    empty = pa.table({n: pa.array([], pa.string()) for n in ("source", "entity", "record_key")})
    land_batch(
        engine,
        batch_id,
        JAN2,
        "test",
        "parent",
        raw,
        staged,
        empty.slice(0, 0),
        {"stg_test__entry": children},
    )


def entries(engine):
    return rows(engine, "SELECT _parent_key, member, _batch_id FROM staging.stg_test__entry ORDER BY 1, 2")


def test_a_newer_parent_replaces_all_its_entries_and_an_older_one_none(engine, parent_target):
    # Poll P1 asked members A and B; poll P2 asked C.
    _land(
        engine,
        "b1",
        [("P1", JAN1, "open", 0), ("P2", JAN2, "open", 1)],
        [("P1", 0, "A"), ("P1", 0, "B"), ("P2", 1, "C")],
    )
    assert entries(engine) == [("P1", "A", "b1"), ("P1", "B", "b1"), ("P2", "C", "b1")]

    # P1 comes again in a newer version asking only A and D, and twice in the batch: the entries that came
    # with the winning version (fetch 1) count, not those of the version it beat (fetch 0). P2 comes back
    # older than staging's: neither the row nor its entries change.
    _land(
        engine,
        "b2",
        [("P1", JAN1, "open", 0), ("P1", JAN2, "closed", 1), ("P2", JAN1, "draft", 2)],
        [("P1", 0, "X"), ("P1", 1, "A"), ("P1", 1, "D"), ("P2", 2, "Z")],
    )
    assert entries(engine) == [("P1", "A", "b2"), ("P1", "D", "b2"), ("P2", "C", "b1")]
