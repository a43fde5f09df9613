"""The `PARINDEX_*` settings that the layers below `assets/` take as values (contracts/interface.md §1), read
from the environment here and nowhere below: the warehouse's URL, DuckDB memory limit and time zone, the
catalogues and the manual-input folder. The sources' settings and secrets are the resources'
(`assets/resources.py`, which reads the same variables for a Dagster run)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from parindex_facts import defaults
from scoring.catalogue import CATALOGUE_VARIABLE, Catalogue, selected_catalogues
from scoring.manual import MANUAL_DIR_VARIABLE, manual_dir
from warehouse.engine import make_engine
from warehouse.memory import MEMORY_LIMIT_VARIABLE, duckdb_memory_limit

WAREHOUSE_URL_VARIABLE = "PARINDEX_WAREHOUSE_URL"
TIMEZONE_VARIABLE = "PARINDEX_TIMEZONE"


def warehouse_url() -> str:
    """The SQLAlchemy URL of the warehouse: `PARINDEX_WAREHOUSE_URL`, else the default DuckDB file."""
    return os.environ.get(WAREHOUSE_URL_VARIABLE) or defaults.WAREHOUSE_URL


def timezone() -> str:
    """`PARINDEX_TIMEZONE`, else the sources' default zone."""
    return os.environ.get(TIMEZONE_VARIABLE) or defaults.TIMEZONE


def duckdb_memory() -> str:
    """DuckDB's memory limit: `PARINDEX_DUCKDB_MEMORY_LIMIT` (refused, naming it, when it is not a size), else
    the machine's default."""
    return duckdb_memory_limit(os.environ.get(MEMORY_LIMIT_VARIABLE))


def warehouse_engine(url: str | None = None) -> sa.Engine:
    """An engine on `url` (default: `warehouse_url()`) with the environment's memory limit and time zone."""
    return make_engine(url or warehouse_url(), duckdb_memory(), timezone())


def local_now() -> datetime:
    """This instant as a naive local time of `PARINDEX_TIMEZONE`, like every timestamp of the warehouse."""
    return datetime.now(ZoneInfo(timezone())).replace(tzinfo=None)


def catalogues() -> list[Catalogue]:
    """The catalogues of `PARINDEX_CATALOGUE` (comma-separated ids or paths), by default the template."""
    return selected_catalogues(os.environ.get(CATALOGUE_VARIABLE) or defaults.CATALOGUE)


def manual_directory() -> Path:
    """`PARINDEX_MANUAL_DIR`, else the default folder of the manual-input workbooks."""
    return manual_dir(os.environ.get(MANUAL_DIR_VARIABLE))
