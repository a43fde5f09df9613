"""Bulk loading of Arrow tables: DuckDB scans them in place, PostgreSQL receives them through COPY."""

import pyarrow as pa
import sqlalchemy as sa

from warehouse import dialect


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
