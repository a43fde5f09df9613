"""Lands a folder of HR exports written by tests/etl/hr_fixtures.py, as the HR asset does."""

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.hr.context import HrContext
from etl.hr.extract import HrExtractor
from tests.etl.hr_fixtures import KEY
from warehouse.hr_transfers import refresh_duplicate_persons
from warehouse.landing import land_batch
from warehouse.reference import load_agency_config


def land_hr_folder(engine: sa.Engine, folder: Path, agencies: list[dict], landed_at: datetime) -> None:
    """The agency configuration, every export of `folder`, and the transfer rule (sources.md §5.9)."""
    load_agency_config(engine, agencies)
    context = HrContext(
        KEY, AgencyResolver.from_rows(agencies, "agency_code", "old_code"), CodeMappings.load("hr")
    )
    for number, outcome in enumerate(HrExtractor(context).read_folder(folder, {}, set())):
        batch = outcome.batch
        land_batch(
            engine,
            f"b{number}",
            landed_at,
            "hr",
            "nhansu",
            batch.raw,
            batch.rows,
            batch.quarantine,
            batch.children,
        )
    refresh_duplicate_persons(engine, "transfers")
