from datetime import datetime
from decimal import Decimal

import pyarrow as pa

from tests.warehouse.conftest import rows
from warehouse import schema
from warehouse.engine import make_engine
from warehouse.loading import arrow_type, load_arrow


def test_values_survive_the_bulk_path_exactly(engine):
    # The PostgreSQL path goes through CSV: null and empty text, quotes, commas, line breaks and NFD
    # Vietnamese must come back as they went in.
    data = pa.table(
        {
            "agency_code": ["H35.01", "H35.02", "H35.03"],
            "year": pa.array([2025, 2025, 2025], pa.int32()),
            "period_start": pa.array([datetime(2025, 1, 1).date()] * 3),
            "period_end": pa.array([datetime(2025, 12, 31).date()] * 3),
            "metric_code": ['a "quoted", text', "", "Ho\u0300a\nBi\u0300nh"],
            "numerator": pa.array([1, None, 0], pa.int64()),
            "denominator": pa.array([3, None, 0], pa.int64()),
            "value": pa.array([Decimal("0.3333"), None, None], pa.decimal128(18, 4)),
            "as_of": pa.array([datetime(2025, 7, 1, 0, 0, 0, 250000)] * 3, pa.timestamp("us")),
            "not_a_column": ["ignored"] * 3,
        }
    )
    with engine.begin() as conn:
        assert load_arrow(conn, schema.metric_value, data) == 3

    assert rows(
        engine,
        "SELECT metric_code, numerator, denominator, value, as_of, computed_at FROM marts.metric_value"
        " ORDER BY agency_code",
    ) == [
        ('a "quoted", text', 1, 3, Decimal("0.3333"), datetime(2025, 7, 1, 0, 0, 0, 250000), None),
        ("", None, None, None, datetime(2025, 7, 1, 0, 0, 0, 250000), None),
        ("Ho\u0300a\nBi\u0300nh", 0, 0, None, datetime(2025, 7, 1, 0, 0, 0, 250000), None),
    ]


def test_an_empty_table_loads_nothing(engine):
    with engine.begin() as conn:
        assert (
            load_arrow(conn, schema.metric_value, pa.table({"agency_code": pa.array([], pa.string())})) == 0
        )


def test_an_arrow_table_of_many_small_chunks_loads_within_a_small_duckdb_limit(tmp_path):
    # The files of an edXML batch arrive as one Arrow chunk each. DuckDB's insert kept a buffer per column
    # and chunk (at least 32 KiB): 300 chunks × 24 columns of staging.stg_qlvb__edxml_package were ~225 MiB,
    # far over a 64 MB limit, although the 300 rows are a few KiB.
    table = schema.metadata.tables["staging.stg_qlvb__edxml_package"]
    one_row = pa.table(
        {
            column.name: pa.array(["k" if column.name == "_key" else None], arrow_type(column.type))
            for column in table.columns
        }
    )
    chunks = pa.concat_tables([one_row] * 300)
    assert chunks.column("_key").num_chunks == 300
    engine = make_engine(f"duckdb:///{tmp_path / 'warehouse.duckdb'}", duckdb_memory="64MB")
    schema.ensure_schema(engine)
    with engine.begin() as conn:
        assert load_arrow(conn, table, chunks) == 300
    assert rows(engine, f"SELECT count(*) FROM {table.fullname} WHERE _key = 'k'") == [(300,)]
    engine.dispose()
