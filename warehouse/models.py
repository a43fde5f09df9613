"""Builds the marts from the SQL files in warehouse/models/, in dependency order, in one transaction.

A file `NAME.sql` holds one portable SELECT without bind parameters (it runs as SQLAlchemy text, so a
`%` in it is safe with psycopg). `dd_*` files become views `marts.NAME`; every other file fills
the table `marts.NAME` that warehouse.schema declares (delete, then insert), so all DDL stays in the table
modules (`warehouse/tables_*.py`).
"""

import graphlib
import re
from pathlib import Path

import sqlalchemy as sa

from warehouse import schema

MODELS_DIR = Path(__file__).with_name("models")
_REFERENCE = re.compile(r"\bmarts\.(\w+)")
_COMMENT = re.compile(r"--[^\n]*")


def model_sql() -> dict[str, str]:
    """Model name → SQL text."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(MODELS_DIR.glob("*.sql"))}


def build_order(models: dict[str, str]) -> list[str]:
    """Model names such that every model comes after the models its SQL reads."""
    graph = {
        name: {ref for ref in _REFERENCE.findall(_COMMENT.sub("", sql)) if ref in models and ref != name}
        for name, sql in models.items()
    }
    return list(graphlib.TopologicalSorter(graph).static_order())


def _is_view(name: str) -> bool:
    return name.startswith("dd_")


def run_models(engine: sa.Engine) -> list[str]:
    """Rebuild every mart table and drill-down view; returns the model names in the order run."""
    models = model_sql()
    order = build_order(models)
    with engine.begin() as conn:
        for name in order:
            select_sql = models[name].rstrip().rstrip(";")
            if _is_view(name):
                # Dropped rather than replaced: PostgreSQL cannot replace a view whose columns changed.
                conn.exec_driver_sql(f"DROP VIEW IF EXISTS marts.{name} CASCADE")
                conn.execute(sa.text(f"CREATE VIEW marts.{name} AS\n{select_sql}\n"))
                continue
            table = schema.metadata.tables.get(f"marts.{name}")
            if table is None:
                raise ValueError(f"model {name}.sql has no table marts.{name} in warehouse.schema")
            columns = ", ".join(column.name for column in table.columns)
            conn.execute(sa.delete(table))
            conn.execute(
                sa.text(
                    f"INSERT INTO marts.{name} ({columns})\nSELECT {columns} FROM (\n{select_sql}\n) AS model"
                )
            )
    return order
