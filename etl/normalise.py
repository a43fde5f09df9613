"""Generic record normalisation: post-privacy records to raw, staging and quarantine Arrow tables.

A source describes each entity with an ``EntitySpec`` (its fields, converters and staging columns);
this module applies it a column at a time over a batch (a page) of records: each field's received values
go through the converter's column fast path (``etl.convert``), and only the values it leaves (quirks,
errors) through the converter itself; the checks that span fields run over whole columns.
"""

import bisect
import hashlib
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from etl.convert import SLOW, Converter, FieldError

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
class ObjectEntry:
    """Object entries of an array, converted field by field: the first field that fails (in order) is
    the entry's defect; a valid entry becomes a dict of its converted fields."""

    fields: tuple[Field, ...]


def object_entry(fields: Sequence[Field]) -> ObjectEntry:
    return ObjectEntry(tuple(fields))


@dataclass(frozen=True)
class ArrayField:
    """An array whose entries are checked one by one: a bad entry is quarantined alone."""

    name: str
    # An ObjectEntry, or a converter of one scalar entry that raises FieldError (with ``field`` set when
    # it names a part of the entry).
    convert_entry: Converter | ObjectEntry
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


# A defect of a record or entry: (reason, field (None: the entry itself), the value the detail shows).
Defect = tuple[str, str | None, object]


def field_columns(records: Sequence[dict], names: Sequence[str]) -> list[Sequence]:
    """The values of ``names`` in ``records`` (None where a record lacks one), one sequence per name.

    One ``itemgetter`` call per record fetches all the names in C, where a ``dict.get`` per name and record
    cost as much as converting the values; a record that lacks a name (an absent optional field) takes
    ``get`` on its own, and the records after it go back to the getter.
    """
    if len(names) < 2:  # itemgetter of one name returns the value, not a tuple
        return [[record.get(name) for record in records] for name in names]
    getter = operator.itemgetter(*names)
    rows: list[tuple] = []
    # One iterator over the records throughout: restarting a slice of the list after each record that
    # lacks a name would walk the records before it again (quadratic in a batch of optional fields).
    remaining = iter(records)
    while len(rows) < len(records):
        try:
            # list.extend keeps the rows it appended before a getter raised; the iterator is past the
            # record it raised on
            rows.extend(map(getter, remaining))
        except KeyError:
            record = records[len(rows)]
            rows.append(tuple(map(record.get, names)))
    return list(zip(*rows, strict=True)) if rows else [() for _ in names]


def _absent(value: object) -> bool:
    return value is None or (value.__class__ is str and (not value or value.isspace()))


def convert_column(field_spec: Field, values: list, defects: dict[int, list[Defect]]) -> list:
    """The converted values of one field over a column of received values (§1.6 absent forms to None).

    A value that cannot be loaded adds its defect to ``defects[index]`` (in the order fields are converted)
    and converts to None; so does an absent or null-converting value of a required field.
    """
    convert, name = field_spec.convert, field_spec.name
    fast = getattr(convert, "column", None)
    out = None
    if fast is not None:
        try:
            out = fast(values)
        except (TypeError, ValueError):
            out = None  # a value the fast path cannot even look at: the converter decides them all
    if out is None:
        out, slow = [SLOW] * len(values), range(len(values))
    else:
        slow = list(itertools.compress(range(len(out)), map(operator.is_, out, itertools.repeat(SLOW))))
    failed = set()
    for index in slow:
        value = values[index]
        if _absent(value):
            out[index] = None
            continue
        try:
            out[index] = convert(value)
        except FieldError as exc:
            out[index] = None
            failed.add(index)
            defects.setdefault(index, []).append((exc.reason, name, exc.value))
    if field_spec.required and None in out:
        for index, converted in enumerate(out):
            if converted is None and index not in failed:
                defects.setdefault(index, []).append(("missing_required", name, values[index]))
    return out


def _first_defect(defects: list[Defect]) -> Defect:
    return min(defects, key=lambda d: REASON_PRIORITY.index(d[0]))


def _order_defects(spec: EntitySpec, columns: dict[str, list], candidates: list[int]) -> dict[int, Defect]:
    """The first field of ``spec.date_order`` earlier than the last present one before it, per candidate
    row (``date_order``, naming that field and, as the detail's value, the one it precedes)."""
    if not spec.date_order or not candidates:
        return {}
    types = {f.name: f.type for f in spec.fields}
    count = len(candidates)
    previous = previous_name = found = found_before = None
    for name in spec.date_order:
        current = pa.array([columns[name][index] for index in candidates], types[name])
        if previous is None:
            previous, previous_name = current, pc.if_else(pc.is_valid(current), name, None)
            found = found_before = pa.nulls(count, pa.string())
            continue
        earlier = pc.and_(pc.fill_null(pc.less(current, previous), False), pc.is_null(found))
        found = pc.if_else(earlier, name, found)
        found_before = pc.if_else(earlier, previous_name, found_before)
        present = pc.is_valid(current)
        previous_name = pc.if_else(present, name, previous_name)
        previous = pc.coalesce(current, previous)
    if found is None or found.null_count == count:
        return {}
    return {
        candidates[position]: ("date_order", name, before)  # detail: "{name} trước {before}"
        for position, name, before in zip(
            range(count), found.to_pylist(), found_before.to_pylist(), strict=True
        )
        if name is not None
    }


class _Quarantine:
    """Quarantine rows, in the order of the records and, within one, of its arrays and entries."""

    def __init__(self, spec: EntitySpec):
        self.spec = spec
        self.rows: list[tuple[tuple[int, int, int], tuple]] = []

    def add(self, order: tuple[int, int, int], key, version, locator, field_name, reason, value, record_json):
        text = detail(reason, field_name, value)
        self.rows.append((order, (key, version, locator, field_name, reason, text, record_json)))

    def table(self) -> pa.Table:
        self.rows.sort(key=lambda row: row[0])
        columns = list(zip(*(row for _, row in self.rows), strict=True)) or [()] * 7
        count = len(self.rows)
        return pa.table(
            [
                pa.array([self.spec.source] * count, pa.string()),
                pa.array([self.spec.entity] * count, pa.string()),
            ]
            + [
                pa.array(values, kind)
                for values, kind in zip(columns, QUARANTINE_SCHEMA.types[2:], strict=True)
            ],
            schema=QUARANTINE_SCHEMA,
        )


def _entries(
    array: ArrayField,
    array_number: int,
    lists: list,
    rows: list[int],
    context: tuple[list, list, list, list],
    quarantine: _Quarantine,
) -> list[list]:
    """The valid, converted entries of ``array`` per row of ``rows``; each bad entry is quarantined alone,
    naming its index (and its field, for object entries)."""
    keys, versions, locators, record_json = context
    row_lists = [lists[row] or () for row in rows]
    entries = list(itertools.chain.from_iterable(row_lists))
    if not entries:
        return [[] for _ in rows]
    defects: dict[int, list[Defect]] = {}
    if isinstance(array.convert_entry, ObjectEntry):
        objects = entries
        if not all(entry.__class__ is dict for entry in entries):
            objects = [entry if isinstance(entry, dict) else {} for entry in entries]
            for number, entry in enumerate(entries):
                if not isinstance(entry, dict):
                    defects[number] = [("bad_format", None, entry)]
        fields = array.convert_entry.fields
        names = [f.name for f in fields]
        received = field_columns(objects, names)
        columns = [convert_column(f, values, defects) for f, values in zip(fields, received, strict=True)]
        # One dict per entry, built in C (map, zip): equal lengths by construction.
        converted = list(map(dict, map(zip, itertools.repeat(names), zip(*columns, strict=False))))
    else:
        converted = []
        for number, entry in enumerate(entries):
            try:
                converted.append(array.convert_entry(entry))
            except FieldError as exc:
                converted.append(None)
                defects[number] = [(exc.reason, exc.field, exc.value)]
    ends = list(itertools.accumulate(map(len, row_lists)))
    if not defects:
        return [converted[start:end] for start, end in zip([0, *ends], ends, strict=False)]
    failing = {bisect.bisect_right(ends, number) for number in defects}  # positions of rows with a bad entry
    valid: list[list] = []
    start = 0
    for position, end in enumerate(ends):
        if position not in failing:
            valid.append(converted[start:end])
            start = end
            continue
        row, kept = rows[position], []
        for index, number in enumerate(range(start, end)):
            found = defects.get(number)
            if found is None:
                kept.append(converted[number])
                continue
            # The first defect in field order: an entry fails on the first field that fails.
            reason, part, value = found[0]
            name = f"{array.name}[{index}]" + (f".{part}" if part else "")
            where = f"{locators[row]}/{array.name}[{index}]"
            quarantine.add(
                (row, array_number, index),
                keys[row],
                versions[row],
                where,
                name,
                reason,
                value,
                record_json[row],
            )
        valid.append(kept)
        start = end
    return valid


def normalise(
    spec: EntitySpec, items: Iterable[tuple[str, dict]], fetch_seq_start: int = 0
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """``(raw, rows, quarantine)`` for post-privacy ``(locator, record)`` items (docs/layers.md §2)."""
    locators: list[str] = []
    records: list[dict] = []
    for locator, record in items:
        locators.append(locator)
        records.append(record)
    count = len(records)
    record_json = [orjson.dumps(record) for record in records]  # UTF-8, as Arrow stores it
    keys = [spec.key(record) for record in records]
    known = spec.contract_fields
    drift = [
        None if known.issuperset(record) else ",".join(sorted(record.keys() - known)) for record in records
    ]

    names = [f.name for f in spec.fields] + [a.name for a in spec.arrays]
    if spec.version is not None:
        names.append(spec.version.name)
    received = dict(zip(names, field_columns(records, names), strict=True))
    defects: dict[int, list[Defect]] = {}
    columns = {f.name: convert_column(f, received[f.name], defects) for f in spec.fields}
    lists = {}
    for array in spec.arrays:
        lists[array.name] = entries = received[array.name]
        for index, value in enumerate(entries):
            if value is None and array.required:
                defects.setdefault(index, []).append(("missing_required", array.name, None))
            elif value is not None and not isinstance(value, list):
                defects.setdefault(index, []).append(("bad_format", array.name, value))
    versions: list = [None] * count
    if spec.version is not None:
        versions = convert_column(spec.version, received[spec.version.name], defects)
    raw = pa.table(
        [
            pa.array(locators, pa.string()),
            pa.array(keys, pa.string()),
            pa.array(versions, TIMESTAMP),
            pa.array(record_json, pa.string()),
            pa.array(drift, pa.string()),
        ],
        schema=RAW_SCHEMA,
    )

    quarantine = _Quarantine(spec)
    rejected = {index: _first_defect(found) for index, found in defects.items()}
    rejected |= _order_defects(spec, columns, [index for index in range(count) if index not in defects])
    for index, (reason, field_name, value) in rejected.items():
        quarantine.add(
            (index, -1, -1),
            keys[index],
            versions[index],
            locators[index],
            field_name,
            reason,
            value,
            record_json[index],
        )
    passed = [index for index in range(count) if index not in rejected]
    context = (keys, versions, locators, record_json)
    valid = [
        _entries(array, number, lists[array.name], passed, context, quarantine)
        for number, array in enumerate(spec.arrays)
    ]

    def take(values: list) -> list:
        return values if len(passed) == count else [values[index] for index in passed]

    fields = [take(columns[f.name]) for f in spec.fields]
    sha256, dumps = hashlib.sha256, orjson.dumps
    hashes = [sha256(dumps(row)).hexdigest() for row in zip(*fields, *valid, strict=True)] if passed else []
    staged = {"_key": take(keys), "_version": take(versions), "_content_hash": hashes}
    staged["_fetch_seq"] = list(range(fetch_seq_start, fetch_seq_start + len(passed)))
    row_columns = [
        (f.column, f.type, values) for f, values in zip(spec.fields, fields, strict=True) if f.column
    ]
    for array, entries in zip(spec.arrays, valid, strict=True):
        row_columns += [
            (name, kind, list(map(summarise, entries))) for name, kind, summarise in array.summary
        ]
    if spec.version is not None and spec.version.column:
        row_columns.append((spec.version.column, spec.version.type, staged["_version"]))
    row_schema = pa.schema(ROW_META + [(name, kind) for name, kind, _ in row_columns])
    rows = pa.table(
        [pa.array(staged[name], kind) for name, kind in ROW_META]
        + [pa.array(values, kind) for _, kind, values in row_columns],
        schema=row_schema,
    )
    return raw, rows, quarantine.table()
