"""A province's own PostgreSQL database (issue 16): `<central database>_<code>` on the central server is
created the first time a run of that province needs it. A DuckDB warehouse's file is created by its
engine."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, ProgrammingError

from warehouse import dialect

# The database every PostgreSQL server has, from which another is created.
MAINTENANCE_DATABASE = "postgres"


def ensure_database(url: str) -> bool:
    """Creates the PostgreSQL database that `url` names when the server does not have it; returns whether it
    did. Other warehouses are left alone."""
    parsed = dialect.normalise_url(url)
    if parsed.get_backend_name() != "postgresql":
        return False
    admin = sa.create_engine(parsed.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if _exists(conn, parsed.database):
                return False
            quoted = conn.dialect.identifier_preparer.quote(parsed.database)
            try:
                conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
            except (ProgrammingError, IntegrityError):
                # Another process of the province (a run, or a worker running a step of its run) created it
                # between the check and here: DuplicateDatabase if it had committed, UniqueViolation on
                # pg_database's name if both were creating it at once.
                if _exists(conn, parsed.database):
                    return False
                raise
            return True
    finally:
        admin.dispose()


def _exists(conn: sa.Connection, name: str) -> bool:
    query = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
    return conn.execute(query, {"name": name}).first() is not None
