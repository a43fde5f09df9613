"""The analysts' read access on PostgreSQL: `marts` and nothing else (DESIGN.md, interface.md §2)."""

import sqlalchemy as sa

from warehouse import dialect, schema

READABLE = "marts"


def grant_analyst(engine: sa.Engine, role: str) -> None:
    """Create `role` if needed and let it read every table and view of `marts`, now and after rebuilds.

    Drill-down views are recreated on every run, so the grant on future objects matters as much as the
    grant on present ones. The role gets no login and no password here: people are made its members.
    """
    if dialect.is_duckdb(engine):
        raise ValueError("grant-analyst needs PostgreSQL: a DuckDB file has no roles")
    name = engine.dialect.identifier_preparer.quote(role)
    with engine.begin() as conn:
        if (
            conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
            is None
        ):
            conn.exec_driver_sql(f"CREATE ROLE {name}")
        for other in (s for s in schema.SCHEMAS if s != READABLE):
            conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {other} FROM {name}")
            conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {other} FROM {name}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {READABLE} TO {name}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {READABLE} TO {name}")
        conn.exec_driver_sql(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {READABLE} GRANT SELECT ON TABLES TO {name}"
        )
