"""What `parindex run` checks before any extraction starts, so that a wrong year, variable or file fails in
a second with exit code 2 and a message naming it, not after a minute of extraction (interface.md §2).

Errors raise `UsageError`; problems that cost one agency only (its manual-input file) are returned as
warnings, and the run goes on."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from dagster import EnvVar

from assets.settings import catalogues, duckdb_memory, manual_directory, warehouse_url
from etl.agency_codes import load_agency_config
from scoring.agency_manual import agencies_with_files, load_agencies_manual_inputs
from scoring.catalogue import CATALOGUE_VARIABLE, Catalogue, CatalogueError
from scoring.manual import MANUAL_DIR_VARIABLE
from warehouse import dialect


class UsageError(Exception):
    """Bad usage or configuration (exit code 2); the message names the variable or option."""


# The mode of a new folder for a DuckDB warehouse file, which holds the analysts' read copy too.
READ_COPY_FOLDER_MODE = 0o755
# A server that does not answer within this time is as good as unreachable for a run that needs it.
CONNECT_TIMEOUT_S = 10


def resource_value(setting):
    """A resource field's value: an `EnvVar` (secrets) is read from the environment here."""
    return setting.get_value() if isinstance(setting, EnvVar) else setting


def check_timezone() -> None:
    """`PARINDEX_TIMEZONE` is read when the definitions are imported (the partitions' time zone): call this
    before importing them, so that a wrong name is a usage error and not a traceback."""
    name = os.environ.get("PARINDEX_TIMEZONE")
    if not name:
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"PARINDEX_TIMEZONE: {name!r} is not a time zone; e.g. Asia/Ho_Chi_Minh") from None


def check_year(year: int) -> None:
    # Imported here: importing the partitions needs a valid PARINDEX_TIMEZONE (check_timezone).
    from assets.partitions import assessment_years

    years = assessment_years.get_partition_keys()
    if str(year) not in years:
        raise UsageError(
            f"--year {year}: not an assessment year; the years are {years[0]}–{years[-1]} (the last is the "
            "year in progress)"
        )


def check_warehouse(url: str) -> None:
    """The URL parses and names DuckDB or PostgreSQL; a PostgreSQL server answers, a DuckDB file's folder
    can be written. The DuckDB file itself is not opened: a running Dagster run may hold it, and waiting
    for it is the run's business. Messages never show the password."""
    variable = "PARINDEX_WAREHOUSE_URL"
    try:
        parsed = dialect.normalise_url(url)
    except sa.exc.ArgumentError:
        raise UsageError(
            f"{variable} is not a database URL; expected duckdb:///path/warehouse.duckdb or "
            "postgresql://user:password@host:5432/database"
        ) from None
    backend = parsed.get_backend_name()
    if backend == dialect.DUCKDB:
        database_file = dialect.duckdb_file(parsed)
        if database_file is not None:
            _check_duckdb_folder(variable, Path(database_file))
        try:
            duckdb_memory()
        except ValueError as error:  # the message names PARINDEX_DUCKDB_MEMORY_LIMIT
            raise UsageError(str(error)) from None
        return
    if backend != dialect.POSTGRESQL:
        raise UsageError(f"{variable}: {backend} is not supported; use a duckdb:// or postgresql:// URL")
    shown = parsed.render_as_string(hide_password=True)
    engine = sa.create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.SQLAlchemyError as error:
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise UsageError(f"{variable}: cannot connect to {shown}: {cause}") from None
    finally:
        engine.dispose()


def _check_duckdb_folder(variable: str, database_file: Path) -> None:
    folder = database_file.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
            # The read copy beside the warehouse file is for analysts who log in as other users: its folder
            # lets them through whatever the umask (assets/file_modes.py); each file keeps its own mode.
            folder.chmod(READ_COPY_FOLDER_MODE)
        except OSError as error:
            raise UsageError(f"{variable}: cannot create the folder {folder}: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{variable}: the folder {folder} is not writable")
    if database_file.exists() and not (
        database_file.is_file() and os.access(database_file, os.R_OK | os.W_OK)
    ):
        raise UsageError(f"{variable}: {database_file} is not a file this user can read and write")


def check_extract_start(value: str | None) -> None:
    if not value:
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"PARINDEX_EXTRACT_START: {value!r} is not a date; e.g. 2024-12-01") from None


def check_catalogues() -> list[Catalogue]:
    try:
        return catalogues()
    except CatalogueError as error:
        message = str(error)
        named = message if CATALOGUE_VARIABLE in message else f"{CATALOGUE_VARIABLE}: {message}"
        raise UsageError(named) from None


def check_plan() -> None:
    """The plan of the report's tracker: a bad entry fails here, not in the report step at the run's end."""
    from assets.report import PLAN_VARIABLE, plan_setting
    from reports.plan import PlanError, load_plan

    try:
        load_plan(plan_setting())
    except PlanError as error:
        raise UsageError(f"{PLAN_VARIABLE}: {error}") from None


def check_folder(variable: str, folder: str | None) -> None:
    """A source folder that is set must be a folder this user can list and read."""
    if not folder:
        return
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"{variable}: {path} is not a folder")
    if not os.access(path, os.R_OK | os.X_OK):
        raise UsageError(f"{variable}: the folder {path} is not readable by this user")


def check_agencies(codes: list[str] | None, agency_table: str | None) -> None:
    """`--agency` codes must be agencies of the configured agency table."""
    if not codes:
        return
    try:
        known = {row["MaDinhDanh"].strip() for row in load_agency_config(agency_table)}
    except (OSError, KeyError, UnicodeDecodeError) as error:
        raise UsageError(f"PARINDEX_AGENCY_TABLE: cannot read the agency table: {error}") from None
    unknown = sorted(set(codes) - known)
    if unknown:
        raise UsageError(
            f"--agency: {', '.join(unknown)} not in the agency table (PARINDEX_AGENCY_TABLE, "
            f"{len(known)} agencies, e.g. {', '.join(sorted(known)[:3])})"
        )


def manual_file_warnings(year: int, catalogues: list[Catalogue]) -> list[str]:
    """One line per manual-input file of the year that cannot be used: its agency's manual criteria will be
    `missing` with the reason, the other agencies are scored as usual."""
    directory = manual_directory()
    errors = load_agencies_manual_inputs(
        directory, year, agencies_with_files(directory, year), catalogues
    ).errors
    return [
        f"{MANUAL_DIR_VARIABLE}: the manual criteria of {code} will be missing until its file is fixed: "
        + error.replace("\n", "; ")
        for code, error in errors.items()
    ]


def check_run(year: int, agencies: list[str] | None, resources: dict) -> list[str]:
    """Every check of a `parindex run` with these resources; returns the warnings to show."""
    check_year(year)
    if not resource_value(resources["settings"].pseudonym_key):
        raise UsageError("PARINDEX_PSEUDONYM_KEY is not set (a secret key for pseudonymising identifiers)")
    # Empty means the default, as in `warehouse.engine.make_engine`.
    check_warehouse(resource_value(resources["warehouse"].url) or warehouse_url())
    check_extract_start(resources["settings"].extract_start)
    catalogues = check_catalogues()
    check_plan()
    check_folder("PARINDEX_HR_DIR", resources["hr"].folder)
    check_folder("PARINDEX_EDXML_DIR", resources["qlvb"].edxml_dir)
    check_agencies(agencies, resources["settings"].agency_table)
    return manual_file_warnings(year, catalogues)
