"""Hand-built ExtractBatch tables (docs/layers.md §2), standing in for what etl produces."""

import hashlib
import json
from datetime import datetime
from itertools import count

import pyarrow as pa
import sqlalchemy as sa

from warehouse import schema
from warehouse.landing import LandingResult, land_batch
from warehouse.loading import arrow_schema

_META = ("_batch_id", "_extracted_at")
_fetch_seq = count(1)

QUARANTINE_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("entity", pa.string()),
        ("record_key", pa.string()),
        ("record_version", pa.timestamp("us")),
        ("locator", pa.string()),
        ("field", pa.string()),
        ("reason_code", pa.string()),
        ("detail", pa.string()),
        ("record", pa.string()),
    ]
)
RAW_SCHEMA = pa.schema(
    [
        ("_locator", pa.string()),
        ("_key", pa.string()),
        ("_version", pa.timestamp("us")),
        ("_record", pa.string()),
        ("_drift_fields", pa.string()),
    ]
)


def _rows_schema(entity: str) -> pa.Schema:
    return arrow_schema(schema.landing_target("dvc", entity).staging, exclude=_META)


def content_hash(record: dict) -> str:
    """Over the contract fields, version excluded: equal content, equal hash (as etl computes it)."""
    content = {name: value for name, value in record.items() if name != "updated_at"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def make_batch(entity: str, key: str, records: list[dict], version: str | None = "updated_at"):
    """(raw, rows) for staging-typed `records`; the raw record is the typed record as JSON text."""
    raw, rows = [], []
    for index, record in enumerate(records):
        key_value, version_value = str(record[key]), record.get(version) if version else None
        raw.append(
            {
                "_locator": f"/api/v1/{entity}?page=1#{index}",
                "_key": key_value,
                "_version": version_value,
                "_record": json.dumps(record, default=str, ensure_ascii=False),
                "_drift_fields": None,
            }
        )
        rows.append(
            {
                **record,
                "_key": key_value,
                "_version": version_value,
                "_content_hash": content_hash(record),
                "_fetch_seq": next(_fetch_seq),
            }
        )
    return pa.Table.from_pylist(raw, schema=RAW_SCHEMA), pa.Table.from_pylist(
        rows, schema=_rows_schema(entity)
    )


def quarantine_table(records: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=QUARANTINE_SCHEMA)


KEYS = {
    "thu-tuc": "procedure_code",
    "don-vi": "agency_code",
    "ngay-nghi": "holiday_date",
    "ho-so": "dossier_code",
    "phieu-xin-loi": "apology_id",
    "danh-gia": "dossier_code",
    "pakn": "feedback_id",
}


def land(
    engine: sa.Engine,
    entity: str,
    records: list[dict],
    batch_id: str = "batch-1",
    extracted_at: datetime = datetime(2025, 7, 1, 0, 0),
    quarantine: list[dict] = (),
) -> LandingResult:
    version = None if entity == "ngay-nghi" else "updated_at"
    raw, rows = make_batch(entity, KEYS[entity], records, version)
    return land_batch(
        engine, batch_id, extracted_at, "dvc", entity, raw, rows, quarantine_table(list(quarantine))
    )
