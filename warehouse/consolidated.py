"""The marts of many provinces in one PostgreSQL database (issue 16): the central `marts` that analysts query
across provinces, filled by publishing each province's own warehouse after its run.

Every relation of a province's `marts` becomes, in the central database, a table `marts.<name>` with the
province's columns plus `province_code`, `PARTITION BY LIST (province_code)`, one partition per province kept
in the schema `marts_partitions` (`marts_partitions.<name>_<code>`, e.g. `metric_value_h35`).

Why list partitioning by province: the province is the unit of replacement. A province's run replaces all of
its rows and never another's, so publishing loads fresh tables, then drops the province's old partitions and
attaches the new ones: the cost is that of the province's rows (O(partition)), not of the whole table, there
is no DELETE leaving dead rows behind for VACUUM, and other provinces' partitions are not even read. The same
key gives partition pruning to every query that names a province, and one row-level-security policy on the
parent table per analyst role (`province_code = 'H35'`) restricts a role to one province, while the
partitions themselves are never granted, so reading one directly is refused.

Why drill-downs are tables here, not views: a drill-down view's SQL joins marts whose keys are unique within
one province only (agency codes, `metric_period`'s periods, catalogue ids); recreated over the partitioned
tables, each join would need `province_code` added to it, a second copy of every model's SQL; and twelve of
them read `raw`, `staging` or `quarantine`, which the central database does not hold. So each `dd_*` view of
the province is published as a partitioned table of its rows at publication, with `province_code`, as the
DuckDB read copy already does for the views that read the pipeline's schemas (warehouse/publish.py).

The central database holds nothing else: no `raw`, `staging` or `quarantine`, no migrations. A table of the
central `marts` that is not partitioned by province means the database was used as a single-province
warehouse, and publishing refuses it.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from psycopg import sql

from warehouse import dialect

CENTRAL_SCHEMA = "marts"
PARTITION_SCHEMA = "marts_partitions"
PROVINCE_COLUMN = "province_code"
# The analyst roles and the province each may read (null: every province). The grant is kept as data, so that
# a mart a later version adds gets the same row-level-security policies when it is first published.
SCOPE_TABLE = "analyst_scope"
# A province code as the provinces file spells it (H35); it becomes part of table names and SQL literals.
PROVINCE_CODE = re.compile(r"[A-Z][0-9]{2}")
# PostgreSQL truncates longer identifiers, which would make two partitions' names collide silently.
_MAX_IDENTIFIER = 63
_LOAD_SUFFIX = "_load"
# Publications are serialised: each may create parent tables or add columns to them, which a concurrent one
# must see before it attaches its partitions; a province's run lasts far longer than its publication.
_PUBLISH_LOCK = "parindex.consolidated.publish"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as PostgreSQL spells it in DDL, e.g. numeric(9,2)
    comment: str | None


@dataclass(frozen=True)
class Relation:
    """A table or view of a `marts` schema: its columns in order, its primary key and its comment."""

    name: str
    is_view: bool
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    comment: str | None

    def types(self) -> dict[str, str]:
        return {column.name: column.type for column in self.columns}


def publish_province(
    province_engine: sa.Engine, central_engine: sa.Engine, province_code: str
) -> dict[str, int]:
    """Replace province `province_code`'s rows of the central `marts` with its warehouse's `marts`; returns
    the number of rows published per relation.

    Contract: both engines are PostgreSQL; `province_engine` is the province's own warehouse after its run
    has committed (its marts are read in one snapshot); `central_engine`'s role owns the central `marts`: it
    creates each parent table on its first publication, with row-level security enabled and the policies of
    the analyst roles granted so far. In one transaction of the central database, every table and drill-down
    view of the province's `marts` is copied (binary COPY) into a fresh table, then the province's old
    partitions are dropped and the new ones attached; a relation the province no longer has loses the
    province's partition. Other provinces' rows are neither read nor written; readers of the central marts
    never see a half-published province and wait only for the swap at the end (or, for a parent table created
    or given a column by this publication, until it commits); a failure leaves the previous publication in
    place. Publications are serialised (an advisory lock). A column a newer province adds is added to the
    parent table (null for the other provinces); a column whose type changed is refused, naming it.
    """
    for engine in (province_engine, central_engine):
        if dialect.is_duckdb(engine):
            raise ValueError("publishing a province's marts needs PostgreSQL for both warehouses")
    code = check_province_code(province_code)
    with province_engine.connect().execution_options(isolation_level="REPEATABLE READ") as source:
        relations = marts_relations(source)
        if not relations:
            raise ValueError(f"province {code}: its warehouse has no {CENTRAL_SCHEMA} to publish")
        for relation in relations:
            if PROVINCE_COLUMN in relation.types():
                raise ValueError(f"province {code}: marts.{relation.name} has a column {PROVINCE_COLUMN}")
        with central_engine.begin() as central:
            dialect.transaction_lock(central, _PUBLISH_LOCK)
            ensure_central_schemas(central)
            parents = {r.name: r for r in marts_relations(central)}
            for relation in relations:
                _ensure_parent(central, relation, parents.get(relation.name))
            parents = {r.name: r for r in marts_relations(central)}
            published = {r.name: _load(source, central, r, parents[r.name], code) for r in relations}
            # Sorted, in every publication: two never wait for each other's parent locks in a cycle.
            for name in sorted(parents):
                _replace_partition(central, name, code, loaded=name in published)
    return published


def check_province_code(code: str) -> str:
    if not isinstance(code, str) or not PROVINCE_CODE.fullmatch(code):
        raise ValueError(f"province code {code!r}: expected a capital letter and two digits, e.g. H35")
    return code


def partition_name(table: str, code: str) -> str:
    """The unqualified name of province `code`'s partition of the central table `table`."""
    name = f"{table}_{code.lower()}"
    if len(name) + len(_LOAD_SUFFIX) > _MAX_IDENTIFIER:
        raise ValueError(f"marts.{table}: the name is too long for the names of its partitions")
    return name


def holds_provinces(conn: sa.Connection) -> bool:
    """Whether this PostgreSQL database is the central one of a provinces deployment: it has been published
    to, or granted on with a province."""
    table = f"{PARTITION_SCHEMA}.{SCOPE_TABLE}"
    return conn.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar_one()


def ensure_central_schemas(conn: sa.Connection) -> None:
    """The central `marts`, the partitions' schema and the analysts' scopes. A `marts` holding tables that
    are not partitioned is a single-province warehouse: refused."""
    plain = conn.execute(
        sa.text(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind = 'r' ORDER BY 1"
        ),
        {"schema": CENTRAL_SCHEMA},
    ).scalars()
    plain = list(plain)
    if plain:
        raise ValueError(
            f"{CENTRAL_SCHEMA}.{plain[0]} is not partitioned by province: this database is a single-province "
            "warehouse, not the central one of a provinces deployment"
        )
    for schema in (CENTRAL_SCHEMA, PARTITION_SCHEMA):
        _execute(conn, sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    _execute(
        conn,
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (role text PRIMARY KEY, {} text)").format(
            sql.Identifier(PARTITION_SCHEMA, SCOPE_TABLE), sql.Identifier(PROVINCE_COLUMN)
        ),
    )


def marts_relations(conn: sa.Connection) -> list[Relation]:
    """The tables and views of `marts` in this PostgreSQL database, by name (a partitioned table's
    partitions live in another schema)."""
    rows = conn.execute(
        sa.text(
            "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod), "
            "col_description(c.oid, a.attnum), obj_description(c.oid, 'pg_class'), "
            "(SELECT array_position(k.conkey, a.attnum) FROM pg_constraint AS k "
            " WHERE k.conrelid = c.oid AND k.contype = 'p') "
            "FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "JOIN pg_attribute AS a ON a.attrelid = c.oid "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
        ),
        {"schema": CENTRAL_SCHEMA},
    ).all()
    found: dict[str, tuple[bool, list[Column], dict[int, str], str | None]] = {}
    for name, kind, column, type_, column_comment, comment, key_position in rows:
        _, columns, key, _ = found.setdefault(name, (kind == "v", [], {}, comment))
        columns.append(Column(column, type_, column_comment))
        if key_position is not None:
            key[key_position] = column
    return [
        Relation(name, is_view, tuple(columns), tuple(key[i] for i in sorted(key)), comment)
        for name, (is_view, columns, key, comment) in sorted(found.items())
    ]


def _ensure_parent(conn: sa.Connection, relation: Relation, parent: Relation | None) -> None:
    """Create the partitioned table of `relation` on its first publication (row-level security on, the
    analysts' policies), or add the columns the province has and it lacks; refuse a changed type."""
    table = sql.Identifier(CENTRAL_SCHEMA, relation.name)
    if parent is None:
        columns = [sql.SQL("{} text NOT NULL").format(sql.Identifier(PROVINCE_COLUMN))]
        columns += [_column_definition(column) for column in relation.columns]
        if relation.primary_key:
            key = sql.SQL(", ").join(map(sql.Identifier, (PROVINCE_COLUMN, *relation.primary_key)))
            columns.append(sql.SQL("PRIMARY KEY ({})").format(key))
        _execute(
            conn,
            sql.SQL("CREATE TABLE {} ({}) PARTITION BY LIST ({})").format(
                table, sql.SQL(", ").join(columns), sql.Identifier(PROVINCE_COLUMN)
            ),
        )
        _execute(conn, sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table))
        comment = relation.comment
        if relation.is_view:
            comment = f"the rows of each province's drill-down view marts.{relation.name} at its publication"
        _comment(conn, sql.SQL("TABLE {}").format(table), comment)
        province = Column(PROVINCE_COLUMN, "text", "the province whose warehouse published the row")
        for column in (province, *relation.columns):
            _comment(
                conn,
                sql.SQL("COLUMN {}").format(sql.Identifier(CENTRAL_SCHEMA, relation.name, column.name)),
                column.comment,
            )
        scopes = conn.execute(
            sa.text(
                f"SELECT s.role, s.{PROVINCE_COLUMN} FROM {PARTITION_SCHEMA}.{SCOPE_TABLE} AS s "
                "JOIN pg_roles AS r ON r.rolname = s.role ORDER BY 1"
            )
        )
        for role, scope in scopes.all():
            _create_policy(conn, relation.name, role, scope)
        return
    existing = parent.types()
    if PROVINCE_COLUMN not in existing:
        raise ValueError(f"{CENTRAL_SCHEMA}.{relation.name} in the central database has no {PROVINCE_COLUMN}")
    for column in relation.columns:
        if column.name not in existing:
            _execute(conn, sql.SQL("ALTER TABLE {} ADD COLUMN {}").format(table, _column_definition(column)))
            _comment(
                conn,
                sql.SQL("COLUMN {}").format(sql.Identifier(CENTRAL_SCHEMA, relation.name, column.name)),
                column.comment,
            )
        elif existing[column.name] != column.type:
            raise ValueError(
                f"{CENTRAL_SCHEMA}.{relation.name}.{column.name}: the province's type {column.type} differs "
                f"from the central table's {existing[column.name]}"
            )


def _load(
    source: sa.Connection, central: sa.Connection, relation: Relation, parent: Relation, code: str
) -> int:
    """Copy the province's rows of `relation` into a new table shaped like the central `parent`; returns the
    number of rows. The table is defined from the catalog's columns, so the parent is not locked meanwhile."""
    load = sql.Identifier(PARTITION_SCHEMA, partition_name(relation.name, code) + _LOAD_SUFFIX)
    province = sql.Identifier(PROVINCE_COLUMN)
    columns = [
        _column_definition(column) + (sql.SQL(" NOT NULL") if column.name == PROVINCE_COLUMN else sql.SQL(""))
        for column in parent.columns
    ]
    # The CHECK matching the partition's bound lets ATTACH skip scanning the rows.
    columns.append(
        sql.SQL("CHECK ({} IS NOT NULL AND {} = {})").format(province, province, sql.Literal(code))
    )
    _execute(central, sql.SQL("CREATE TABLE {} ({})").format(load, sql.SQL(", ").join(columns)))
    names = sql.SQL(", ").join(sql.Identifier(column.name) for column in relation.columns)
    read = sql.SQL("COPY (SELECT {}, {}::text FROM {}) TO STDOUT (FORMAT binary)").format(
        names, sql.Literal(code), sql.Identifier(CENTRAL_SCHEMA, relation.name)
    )
    write = sql.SQL("COPY {} ({}, {}) FROM STDIN (FORMAT binary)").format(load, names, province)
    with (
        source.connection.driver_connection.cursor() as reader,
        central.connection.driver_connection.cursor() as writer,
    ):
        # The columns have the same types on both sides (checked above), as binary COPY requires.
        with reader.copy(read) as rows_out, writer.copy(write) as rows_in:
            while block := rows_out.read():
                rows_in.write(block)
        count = writer.rowcount
    if parent.primary_key:
        # Built once the rows are in, on the parent's key: ATTACH adopts it as the partition's index.
        key = sql.SQL(", ").join(map(sql.Identifier, parent.primary_key))
        _execute(central, sql.SQL("ALTER TABLE {} ADD PRIMARY KEY ({})").format(load, key))
    return count


def _replace_partition(central: sa.Connection, table: str, code: str, *, loaded: bool) -> None:
    """Drop province `code`'s partition of `table` and, if `loaded`, attach the freshly loaded table."""
    name = partition_name(table, code)
    partition = sql.Identifier(PARTITION_SCHEMA, name)
    _execute(central, sql.SQL("DROP TABLE IF EXISTS {}").format(partition))
    if not loaded:
        return
    load = sql.Identifier(PARTITION_SCHEMA, name + _LOAD_SUFFIX)
    _execute(central, sql.SQL("ALTER TABLE {} RENAME TO {}").format(load, sql.Identifier(name)))
    _execute(
        central,
        sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES IN ({})").format(
            sql.Identifier(CENTRAL_SCHEMA, table), partition, sql.Literal(code)
        ),
    )


def scope_analyst(conn: sa.Connection, role: str, province: str | None) -> None:
    """Let `role` read province `province`'s rows of every central mart (None: every province's): one
    row-level-security policy on each partitioned table, named after the role, replacing its previous one.
    The role must exist; the table privileges are warehouse.grants'."""
    if province is not None:
        check_province_code(province)
    ensure_central_schemas(conn)
    conn.execute(
        sa.text(
            f"INSERT INTO {PARTITION_SCHEMA}.{SCOPE_TABLE} (role, {PROVINCE_COLUMN}) "
            "VALUES (:role, :province) "
            f"ON CONFLICT (role) DO UPDATE SET {PROVINCE_COLUMN} = EXCLUDED.{PROVINCE_COLUMN}"
        ),
        {"role": role, "province": province},
    )
    for relation in marts_relations(conn):
        _create_policy(conn, relation.name, role, province)


def _create_policy(conn: sa.Connection, table: str, role: str, province: str | None) -> None:
    if province is None:
        condition = sql.SQL("true")
    else:
        condition = sql.SQL("{} = {}").format(sql.Identifier(PROVINCE_COLUMN), sql.Literal(province))
    name, parent = sql.Identifier(role), sql.Identifier(CENTRAL_SCHEMA, table)
    _execute(conn, sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(name, parent))
    _execute(
        conn,
        sql.SQL("CREATE POLICY {} ON {} FOR SELECT TO {} USING ({})").format(name, parent, name, condition),
    )


def _column_definition(column: Column) -> sql.Composable:
    # The type comes from PostgreSQL's own format_type(), not from input.
    return sql.SQL("{} {}").format(sql.Identifier(column.name), sql.SQL(column.type))


def _comment(conn: sa.Connection, target: sql.Composable, text: str | None) -> None:
    if text:
        _execute(conn, sql.SQL("COMMENT ON {} IS {}").format(target, sql.Literal(text)))


def _execute(conn: sa.Connection, statement: sql.Composable) -> None:
    """Run DDL composed with psycopg's quoting on the connection's transaction: no bind parameters, so a
    `%` or `:` in a comment is text."""
    conn.connection.driver_connection.execute(statement)
