"""The analysts' read access on PostgreSQL: `marts` and nothing else (DESIGN.md, interface.md §2); in the
central database of a provinces deployment, the rows of one province or of all (warehouse.consolidated)."""

import sqlalchemy as sa

from warehouse import consolidated, dialect, schema

READABLE = "marts"


def grant_analyst(engine: sa.Engine, role: str, province: str | None = None) -> None:
    """Create `role` if needed and let it read every table and view of `marts`, now and after rebuilds.

    Drill-down views are recreated on every run, so the grant on future objects matters as much as the
    grant on present ones. The role gets no login and no password here: people are made its members.

    In the central database (warehouse.consolidated), whose marts carry `province_code` under row-level
    security, the role reads the rows of `province` only, or of every province without one; the partitions
    are never granted, so reading one directly is refused. `province` anywhere else is refused.
    """
    if dialect.is_duckdb(engine):
        raise ValueError("grant-analyst needs PostgreSQL: a DuckDB file has no roles")
    name = engine.dialect.identifier_preparer.quote(role)
    with engine.begin() as conn:
        central = province is not None or consolidated.holds_provinces(conn)
        if central:
            # Refuses a single-province warehouse before anything is granted.
            consolidated.ensure_central_schemas(conn)
        if (
            conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
            is None
        ):
            conn.exec_driver_sql(f"CREATE ROLE {name}")
        unreadable = [s for s in (*schema.SCHEMAS, consolidated.PARTITION_SCHEMA) if s != READABLE]
        for other in _existing(conn, unreadable):
            conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {other} FROM {name}")
            conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {other} FROM {name}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {READABLE} TO {name}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {READABLE} TO {name}")
        conn.exec_driver_sql(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {READABLE} GRANT SELECT ON TABLES TO {name}"
        )
        if central:
            consolidated.scope_analyst(conn, role, province)


def _existing(conn: sa.Connection, schemas: list[str]) -> list[str]:
    """The schemas of `schemas` this database has: the central one of many provinces has `marts` alone."""
    present = conn.execute(
        sa.text("SELECT nspname FROM pg_namespace WHERE nspname = ANY(:names)"), {"names": schemas}
    ).scalars()
    return sorted(present)
