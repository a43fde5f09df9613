"""Generic record normalisation: post-privacy records to raw, staging and quarantine Arrow tables.

A source describes each entity with an ``EntitySpec`` (its fields, converters and staging columns);
this module applies it once per record and builds the Arrow columns once per batch.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import orjson
import pyarrow as pa

from etl.convert import Converter, FieldError

TIMESTAMP = pa.timestamp("us")

RAW_SCHEMA = pa.schema(
    [
        ("_locator", pa.string()),
        ("_key", pa.string()),
        ("_version", TIMESTAMP),
        ("_record", pa.string()),
        ("_drift_fields", pa.string()),
    ]
)
QUARANTINE_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("entity", pa.string()),
        ("record_key", pa.string()),
        ("record_version", TIMESTAMP),
        ("locator", pa.string()),
        ("field", pa.string()),
        ("reason_code", pa.string()),
        ("detail", pa.string()),
        ("record", pa.string()),
    ]
)
ROW_META = [
    ("_key", pa.string()),
    ("_version", TIMESTAMP),
    ("_content_hash", pa.string()),
    ("_fetch_seq", pa.int64()),
]

# When a record fails on several fields, the permanent defect is reported before those that
# configuration or a later reference can fix (they are re-evaluated on every run).
REASON_PRIORITY = (
    "missing_required",
    "bad_format",
    "date_order",
    "unknown_code",
    "unknown_procedure",
    "unknown_agency",
)

_DETAIL = {
    "missing_required": "Thiếu trường bắt buộc {field}",
    "date_order": "Trường {field} trước {value}",
    "bad_format": "Trường {field} sai định dạng: {value}",
    "unknown_code": "Trường {field} có giá trị không có trong danh mục mã: {value}",
    "unknown_agency": "Trường {field} có mã đơn vị không có trong bảng đơn vị (cả hai định dạng): {value}",
    "unknown_procedure": "Trường {field} không khớp mã thủ tục nào (MaTTHC, MaTTHCNgan): {value}",
}


def detail(reason: str, field_name: str, value: object = None) -> str:
    """The Vietnamese detail of a quarantine row, naming the field."""
    shown = value if isinstance(value, str) else orjson.dumps(value).decode()
    return _DETAIL[reason].format(field=field_name, value=shown[:120])


@dataclass(frozen=True)
class Field:
    name: str  # contract field name
    column: str | None  # staging column, None when the field is checked but not staged
    convert: Converter
    type: pa.DataType = field(default_factory=pa.string)
    required: bool = False


@dataclass(frozen=True)
class ArrayField:
    """An array whose entries are checked one by one: a bad entry is quarantined alone."""

    name: str
    convert_entry: Converter  # raises FieldError (with ``field`` set for object entries)
    summary: tuple[
        tuple[str, pa.DataType, Callable[[list], object]], ...
    ]  # staging columns from valid entries
    required: bool = True


@dataclass(frozen=True)
class EntitySpec:
    source: str
    entity: str
    key: Callable[[dict], str | None]  # the cleaned natural key of a received record
    fields: tuple[Field, ...]
    arrays: tuple[ArrayField, ...] = ()
    version: Field | None = None  # the version field; its column is the staging table's last
    known: frozenset[str] = frozenset()  # other contract fields (dropped personal data): not drift
    date_order: tuple[str, ...] = ()  # fields that must not decrease, in this order (Q6)

    @property
    def contract_fields(self) -> frozenset[str]:
        names = {f.name for f in self.fields} | {a.name for a in self.arrays}
        if self.version is not None:
            names.add(self.version.name)
        return frozenset(names) | self.known


def object_entry(fields: Sequence[Field]) -> Converter:
    """A converter for object entries of an array: a dict of the converted fields."""
    plan = [(f.name, f.convert, f.required) for f in fields]

    def convert(entry: object) -> dict:
        if not isinstance(entry, dict):
            raise FieldError("bad_format", entry)
        out = {}
        get = entry.get
        for name, convert_field, required in plan:
            value = get(name)
            converted = None
            if not (value is None or (value.__class__ is str and (not value or value.isspace()))):
                try:
                    converted = convert_field(value)
                except FieldError as exc:
                    exc.field = exc.field or name
                    raise
            if converted is None and required:
                raise FieldError("missing_required", value, name)
            out[name] = converted
        return out

    return convert


def _absent(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


class _Tables:
    """Column lists filled record by record and turned into Arrow tables once."""

    def __init__(self, spec: EntitySpec):
        self.spec = spec
        self.row_columns = [(f.column, f.type) for f in spec.fields if f.column]
        self.row_columns += [(name, kind) for array in spec.arrays for name, kind, _ in array.summary]
        if spec.version is not None and spec.version.column:
            self.row_columns.append((spec.version.column, spec.version.type))
        self.raw: dict[str, list] = {name: [] for name in RAW_SCHEMA.names}
        self.rows: dict[str, list] = {name: [] for name, _ in ROW_META + self.row_columns}
        self.quarantine: dict[str, list] = {name: [] for name in QUARANTINE_SCHEMA.names}

    def reject(self, key, version, locator, field_name, reason, text, record_json) -> None:
        q = self.quarantine
        q["source"].append(self.spec.source)
        q["entity"].append(self.spec.entity)
        q["record_key"].append(key)
        q["record_version"].append(version)
        q["locator"].append(locator)
        q["field"].append(field_name)
        q["reason_code"].append(reason)
        q["detail"].append(text)
        q["record"].append(record_json)

    def tables(self) -> tuple[pa.Table, pa.Table, pa.Table]:
        raw = pa.table(self.raw, schema=RAW_SCHEMA)
        row_schema = pa.schema(ROW_META + self.row_columns)
        rows = pa.table({name: self.rows[name] for name in row_schema.names}, schema=row_schema)
        quarantine = pa.table(self.quarantine, schema=QUARANTINE_SCHEMA)
        return raw, rows, quarantine


def normalise(
    spec: EntitySpec, items: Iterable[tuple[str, dict]], fetch_seq_start: int = 0
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """``(raw, rows, quarantine)`` for post-privacy ``(locator, record)`` items (docs/layers.md §2)."""
    out = _Tables(spec)
    known = spec.contract_fields
    raw, rows = out.raw, out.rows
    version_field = spec.version
    fetch_seq = fetch_seq_start
    plan = [(f.name, f.convert, f.required) for f in spec.fields]
    field_names = [f.name for f in spec.fields]
    staged = [(rows[f.column].append, f.name) for f in spec.fields if f.column]
    for locator, record in items:
        record_json = _json(record)
        key = spec.key(record)
        version, version_error = _version_of(spec, record)
        drift = record.keys() - known
        raw["_locator"].append(locator)
        raw["_key"].append(key)
        raw["_version"].append(version)
        raw["_record"].append(record_json)
        raw["_drift_fields"].append(",".join(sorted(drift)) if drift else None)

        values, errors = _convert_fields(spec, plan, record)
        if version_error is not None:
            errors.append(version_error)
        if not errors:
            errors = _check_order(spec, values)
        if errors:
            reason, field_name, value = min(errors, key=lambda e: REASON_PRIORITY.index(e[0]))
            text = detail(reason, field_name, value)
            out.reject(key, version, locator, field_name, reason, text, record_json)
            continue

        hashed = [values[name] for name in field_names]
        for array in spec.arrays:
            valid = _valid_entries(array, record, out, key, version, locator, record_json)
            hashed.append(valid)
            for column, _, summarise in array.summary:
                values[column] = summarise(valid)
        for append, name in staged:
            append(values[name])
        for array in spec.arrays:
            for column, _, _ in array.summary:
                rows[column].append(values[column])
        if version_field is not None and version_field.column:
            rows[version_field.column].append(version)
        rows["_key"].append(key)
        rows["_version"].append(version)
        rows["_content_hash"].append(hashlib.sha256(orjson.dumps(hashed)).hexdigest())
        rows["_fetch_seq"].append(fetch_seq)
        fetch_seq += 1
    return out.tables()


def _valid_entries(array: ArrayField, record: dict, out: _Tables, key, version, locator, record_json) -> list:
    """The converted entries of ``array``; each bad entry is quarantined alone, naming its index."""
    valid = []
    for index, entry in enumerate(record.get(array.name) or []):
        try:
            valid.append(array.convert_entry(entry))
        except FieldError as exc:
            name = f"{array.name}[{index}]" + (f".{exc.field}" if exc.field else "")
            where = f"{locator}/{array.name}[{index}]"
            out.reject(
                key, version, where, name, exc.reason, detail(exc.reason, name, exc.value), record_json
            )
    return valid


def _convert_fields(
    spec: EntitySpec, plan: list[tuple[str, Converter, bool]], record: dict
) -> tuple[dict, list[tuple[str, str, object]]]:
    values: dict[str, object] = {}
    errors: list[tuple[str, str, object]] = []
    get = record.get
    for name, convert_field, required in plan:
        value = get(name)
        # The absent forms (§1.6) inline: this loop runs for every field of every record.
        if value is None or (value.__class__ is str and (not value or value.isspace())):
            converted = None
        else:
            try:
                converted = convert_field(value)
            except FieldError as exc:
                errors.append((exc.reason, name, exc.value))
                continue
        if converted is None and required:
            errors.append(("missing_required", name, value))
        values[name] = converted
    for array in spec.arrays:
        entries = get(array.name)
        if entries is None and array.required:
            errors.append(("missing_required", array.name, None))
        elif entries is not None and not isinstance(entries, list):
            errors.append(("bad_format", array.name, entries))
    return values, errors


def _version_of(spec: EntitySpec, record: dict) -> tuple[object, tuple[str, str, object] | None]:
    """The converted version, and the error that rejects the record when it is absent or malformed."""
    version_field = spec.version
    if version_field is None:
        return None, None
    value = record.get(version_field.name)
    try:
        version = None if _absent(value) else version_field.convert(value)
    except FieldError as exc:
        return None, (exc.reason, version_field.name, exc.value)
    if version is None and version_field.required:
        return None, ("missing_required", version_field.name, value)
    return version, None


def _check_order(spec: EntitySpec, values: dict) -> list[tuple[str, str, object]]:
    previous_name, previous = None, None
    for name in spec.date_order:
        current = values.get(name)
        if current is None:
            continue
        if previous is not None and current < previous:
            return [("date_order", name, previous_name)]  # detail: "{name} trước {previous_name}"
        previous_name, previous = name, current
    return []
