"""Bulk loading of Arrow tables: DuckDB scans them in place, PostgreSQL receives them through COPY."""

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from warehouse import dialect

# Most specific first: SmallInteger and BigInteger are Integers, Double is a Float, Text is a String.
_ARROW_TYPES = (
    (sa.SmallInteger, pa.int16()),
    (sa.BigInteger, pa.int64()),
    (sa.Integer, pa.int32()),
    (sa.Float, pa.float64()),
    (sa.DateTime, pa.timestamp("us")),
    (sa.Date, pa.date32()),
    (sa.Boolean, pa.bool_()),
    (sa.String, pa.string()),
)


def arrow_type(type_: sa.types.TypeEngine) -> pa.DataType:
    for sql_type, arrow in _ARROW_TYPES:
        if isinstance(type_, sql_type):
            return arrow
    if isinstance(type_, sa.Numeric):
        return pa.decimal128(type_.precision, type_.scale)
    raise TypeError(f"no Arrow type for {type_!r}")


def arrow_schema(table: sa.Table, exclude: Iterable[str] = ()) -> pa.Schema:
    """The Arrow schema of `table`'s columns (naive timestamps, as the warehouse stores them)."""
    excluded = set(exclude)
    return pa.schema([(c.name, arrow_type(c.type)) for c in table.columns if c.name not in excluded])


def rows_to_arrow(table: sa.Table, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Dicts keyed by `table`'s column names (missing keys are null) as an Arrow table of its types."""
    schema = arrow_schema(table)
    return pa.Table.from_pylist(
        [{name: row.get(name) for name in schema.names} for row in rows], schema=schema
    )


def qualified_name(conn: sa.Connection, table: sa.Table) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return f"{quote(table.schema)}.{quote(table.name)}" if table.schema else quote(table.name)


def load_arrow(conn: sa.Connection, table: sa.Table, data: pa.Table) -> int:
    """Append `data` to `table` inside the caller's transaction; returns the number of rows.

    Columns are matched by name: those of `table` that `data` lacks are left null, and columns of `data`
    that `table` does not have are not loaded.
    """
    if data.num_rows == 0:
        return 0
    columns = [column.name for column in table.columns if column.name in data.column_names]
    if not columns:
        raise ValueError(f"no column of {table.fullname} in the data: {data.column_names}")
    dialect.bulk_insert(conn, qualified_name(conn, table), columns, data)
    return data.num_rows


def with_constants(data: pa.Table, **values: object) -> pa.Table:
    """`data` with one extra column per keyword, holding the same value on every row."""
    for name, value in values.items():
        data = data.append_column(name, pa.repeat(pa.scalar(value), data.num_rows))
    return data
