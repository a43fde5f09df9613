"""Document requirements in the warehouse (metrics.md §7): the year's items as configuration, the register
entries matching them, and the metrics `qlvb.<id>_on_time` and `qlvb.<id>_issued` of every declared
requirement, with `qlvb.inspection_coverage` (§7.7).

The catalogues declare the requirements; `assets/` passes them as `ItemSpec`s to `set_document_requirements`
before the metrics are computed. Matching (§7.2 rules 1–6) runs in Python in `prepare`, at the start of
`compute_metrics`, and writes `staging.docreq_match`; the SQL models rank candidates and give statuses.
Without a catalogue's `plan`, the §2 plan of `qlvb.plan_on_time` is declared here (metrics.md §7.6)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from parindex_facts.metrics import INSPECTION_COVERAGE, ITEMS, Metric
from warehouse.docreq_match import subject_matches, type_matches, type_segment
from warehouse.periods import Period, as_date
from warehouse.tables_docreq import cfg_docreq_item, docreq_match
from warehouse.tables_qlvb import cfg_qlvb_plan_deadline

PLAN = "plan"
# The per-requirement views select the item rows of `marts.dd_qlvb_docreq_item` (metrics.md §7.4).
_VIEW_NUMERATOR = {"on_time": "status = 'on_time'", "issued": "status IN ('on_time', 'late')"}
# Items pending or unverifiable are rows of the views but leave the denominator (metrics.md §7.4).
_IN_DENOMINATOR = "status IN ('on_time', 'late', 'missing')"
# Register entries fetched at a time when matching them: memory stays that of one fetch.
_DOCUMENTS_PER_FETCH = 2_000
_ITEM_COLUMNS = (
    "agency_code, period_start, period_end, requirement_id, requirement_name, item_order, item_code,"
    " item_name, deadline_date, status, document_key, code_number, code_notation, promulgation_date,"
    " subject, days_late, coverage_start, cutoff_date"
)


class ItemSpec(NamedTuple):
    """One item of a requirement for a year, every default and `{Y}` resolved (scoring.requirements)."""

    requirement_id: str
    requirement_name: str
    direction: str
    boundaries: bool
    in_force: bool
    pending: bool
    coverage_check: bool
    item_order: int
    item_code: str
    item_name: str
    deadline: date | None
    after: date | None
    until: date | None
    types: tuple[str, ...]
    type_names: tuple[str, ...]
    to: tuple[str, ...]
    from_: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    none_of: tuple[str, ...]


def plan_item(year: int, deadline: date | None = None) -> ItemSpec:
    """metrics.md §2 as a requirement (§7.6): the year's CCHC plan, deadline Y-1-12-31 by default."""
    return ItemSpec(
        PLAN, "Kế hoạch CCHC năm", "di", False, False, False, False, 1, "kh", f"Kế hoạch CCHC năm {year}",
        deadline or date(year - 1, 12, 31), None, None, ("KH",), (), (), (),
        (("cải cách hành chính",), (f"năm {year}",)), (),
    )  # fmt: skip


def inspection_item(
    types: Sequence[str] = ("TB", "BC"),
    phrases: Sequence[Sequence[str]] = (("kiểm tra",), ("cải cách hành chính", "CCHC")),
    type_names: Sequence[str] = (),
    none_of: Sequence[str] = (),
) -> ItemSpec:
    """The inspection documents of §7.7 (defaults of `metric_parameters.qlvb.inspection_coverage`):
    outgoing, word boundaries; kept as an item named by the metric code, which no requirement id can be."""
    return ItemSpec(
        INSPECTION_COVERAGE, "", "di", True, False, False, False, 1, "", "", None, None, None,
        tuple(types), tuple(type_names), (), (), tuple(tuple(p) for p in phrases), tuple(none_of),
    )  # fmt: skip


def _row(year: int, item: ItemSpec) -> dict:
    matching = {
        "types": list(item.types),
        "type_names": list(item.type_names),
        "phrases": [list(element) for element in item.phrases],
        "none_of": list(item.none_of),
        "boundaries": item.boundaries,
        "to": list(item.to),
        "from": list(item.from_),
        "in_force": item.in_force,
    }
    return {
        "year": year,
        "requirement_id": item.requirement_id,
        "requirement_name": item.requirement_name,
        "direction": item.direction,
        "item_order": item.item_order,
        "item_code": item.item_code,
        "item_name": item.item_name,
        "deadline_date": item.deadline,
        "after_date": item.after,
        "until_date": item.until,
        "is_pending_allowed": item.pending,
        "is_coverage_checked": item.coverage_check,
        "matching": json.dumps(matching, ensure_ascii=False),
    }


def set_document_requirements(engine: sa.Engine, year: int, items: Iterable[ItemSpec]) -> None:
    """Replace the year's requirement items (the catalogues', plus the inspection parameters); the plan of
    §2 and the default inspection parameters are added by `prepare` when absent."""
    rows = [_row(year, item) for item in items]
    with engine.begin() as conn:
        conn.execute(sa.delete(cfg_docreq_item).where(cfg_docreq_item.c.year == year))
        if rows:
            conn.execute(sa.insert(cfg_docreq_item), rows)


def _declared(conn: sa.Connection, year: int) -> set[str]:
    query = sa.select(cfg_docreq_item.c.requirement_id).where(cfg_docreq_item.c.year == year).distinct()
    return set(conn.execute(query).scalars())


def _add_defaults(conn: sa.Connection, year: int) -> None:
    declared = _declared(conn, year)
    defaults = []
    if PLAN not in declared:
        deadline = conn.execute(
            sa.select(cfg_qlvb_plan_deadline.c.deadline_date).where(cfg_qlvb_plan_deadline.c.year == year)
        ).scalar_one_or_none()
        defaults.append(plan_item(year, deadline))
    if INSPECTION_COVERAGE not in declared:
        defaults.append(inspection_item())
    if defaults:
        conn.execute(sa.insert(cfg_docreq_item), [_row(year, item) for item in defaults])


class _Document(NamedTuple):
    key: str
    agency: str
    direction: str
    document_id: str
    code_notation: str | None
    type_name: str | None
    from_agency: str | None
    subject: str | None
    receivers: tuple[str, ...]


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _candidate_filter(items: list[dict]) -> tuple[str, dict[str, object]]:
    """A WHERE clause over `marts.fct_document AS d` keeping every entry some item could match by rules 1
    and 3, and a few more (the exact rules run in Python): an item's direction, and a CodeNotation whose
    type segment may be one of its types (`KH-…`, `…/KH-…`) or a TypeName among its type names. Most of a
    year's register is neither; reading and testing each entry in Python was the step's main cost."""
    directions = sorted({item["direction"] for item in items})
    types = sorted({t for item in items for t in item["matching"]["types"]})
    type_names = sorted({t for item in items for t in item["matching"]["type_names"]})
    parameters: dict[str, object] = {f"direction{i}": d for i, d in enumerate(directions)}
    kinds = []
    for i, type_ in enumerate(types):
        kinds += [
            f"d.code_notation LIKE :type{i} ESCAPE '\\'",
            f"d.code_notation LIKE :year_type{i} ESCAPE '\\'",
        ]
        parameters |= {
            f"type{i}": f"{_like_literal(type_)}-%",
            f"year_type{i}": f"%/{_like_literal(type_)}-%",
        }
    for i, name in enumerate(type_names):
        kinds.append(f"d.type_name = :type_name{i}")
        parameters[f"type_name{i}"] = name
    if not directions or not kinds:
        return "FALSE", {}
    direction = " OR ".join(f"d.direction = :direction{i}" for i in range(len(directions)))
    return f"({direction}) AND ({' OR '.join(kinds)})", parameters


def _documents(conn: sa.Connection, items: list[dict]) -> Iterator[_Document]:
    """Register entries that may be candidates of `items` (rule 2: neither recalled nor secret; API
    entries, which carry the Subject), one at a time: held in a list they took 53.5 MiB at `province`,
    about ten times that at `large`. No other statement may run on `conn` until they are read."""
    where, parameters = _candidate_filter(items)
    result = conn.execute(
        sa.text(
            "SELECT d.document_key, d.agency_code, d.direction, d.document_id, d.code_notation, d.type_name,"
            " d.from_agency_code, d.is_secret, s.subject, s.to_agency_codes"
            " FROM marts.fct_document AS d JOIN staging.stg_qlvb__document AS s ON s._key = d.document_key"
            f" WHERE NOT d.is_recalled AND {where}"
        ),
        parameters,
        execution_options={"yield_per": _DOCUMENTS_PER_FETCH},
    )
    for key, agency, direction, document_id, notation, type_name, sender, secret, subject, to in result:
        if secret or subject is None:  # rule 2; a secret entry carries no Subject anyway
            continue
        receivers = tuple(code for code in json.loads(to or "[]") if code)
        yield _Document(key, agency, direction, document_id, notation, type_name, sender, subject, receivers)


def _replaced(conn: sa.Connection) -> set[tuple[str, str, str]]:
    """The (agency, direction, DocumentId) replaced by a non-recalled entry (rule 6)."""
    result = conn.execute(
        sa.text(
            "SELECT d.agency_code, d.direction, s.replaced_document_ids"
            " FROM marts.fct_document AS d JOIN staging.stg_qlvb__document AS s ON s._key = d.document_key"
            " WHERE NOT d.is_recalled AND s.replaced_document_ids IS NOT NULL"
            " AND s.replaced_document_ids <> '[]'"
        )
    )
    return {
        (agency, direction, replaced_id)
        for agency, direction, replaces in result
        for replaced_id in json.loads(replaces)
    }


def _matches(item: dict, document: _Document, replaced: set[tuple[str, str, str]]) -> bool:
    """§7.2 rules 1 (direction; the register is the document's), 3, 4, 5 and 6 for one item."""
    rules = item["matching"]
    if document.direction != item["direction"]:
        return False
    if not type_matches(document.code_notation, document.type_name, rules["types"], rules["type_names"]):
        return False
    if not subject_matches(document.subject, rules["phrases"], rules["none_of"], rules["boundaries"]):
        return False
    if rules["to"] and document.agency not in rules["to"] and not set(document.receivers) & set(rules["to"]):
        return False
    if rules["from"] and document.from_agency not in rules["from"]:
        return False
    in_force_needed = rules["in_force"]
    return not (in_force_needed and (document.agency, document.direction, document.document_id) in replaced)


def refresh_matches(conn: sa.Connection, year: int) -> None:
    """Rewrite the year's `staging.docreq_match` from its items and the register entries."""
    items = [
        {**row._asdict(), "matching": json.loads(row.matching)}
        for row in conn.execute(
            sa.select(
                cfg_docreq_item.c.requirement_id,
                cfg_docreq_item.c.item_code,
                cfg_docreq_item.c.direction,
                cfg_docreq_item.c.matching,
            ).where(cfg_docreq_item.c.year == year)
        )
    ]
    replaced = _replaced(conn)
    # Rules 1 and 3 depend on the direction, the type segment and the TypeName alone: the items passing
    # them are found once per such kind of entry rather than for every entry.
    candidates: dict[tuple[str, str | None, str | None], list[dict]] = {}
    rows = []
    for document in _documents(conn, items):
        kind = (document.direction, type_segment(document.code_notation), document.type_name)
        if kind not in candidates:
            candidates[kind] = [
                item
                for item in items
                if item["direction"] == document.direction
                and type_matches(
                    document.code_notation,
                    document.type_name,
                    item["matching"]["types"],
                    item["matching"]["type_names"],
                )
            ]
        for item in candidates[kind]:
            if not _matches(item, document, replaced):
                continue
            if item["requirement_id"] == INSPECTION_COVERAGE:
                # §7.7 counts the divisions named in To[]: one row per receiver
                rows.extend(
                    {"year": year, "requirement_id": INSPECTION_COVERAGE, "item_code": code,
                     "document_key": document.key}
                    for code in sorted(set(document.receivers))
                )  # fmt: skip
            else:
                rows.append(
                    {"year": year, "requirement_id": item["requirement_id"], "item_code": item["item_code"],
                     "document_key": document.key}
                )  # fmt: skip
    conn.execute(sa.delete(docreq_match).where(docreq_match.c.year == year))
    if rows:
        conn.execute(sa.insert(docreq_match), rows)


def requirement_views(requirement_id: str) -> dict[str, str]:
    """metric code → the SELECT of its drill-down view over the item rows."""
    views = {}
    for suffix, numerator in _VIEW_NUMERATOR.items():
        code = f"qlvb.{requirement_id}_{suffix}"
        if code == "qlvb.plan_on_time":
            continue  # keeps its §2 grain: a SQL model of its own (metrics.md §7.4)
        views[code] = (
            f"SELECT {_ITEM_COLUMNS}, {numerator} AS in_numerator, {_IN_DENOMINATOR} AS in_denominator"
            f" FROM marts.dd_qlvb_docreq_item WHERE requirement_id = '{requirement_id}'"
        )
    return views


def item_counts(
    conn: sa.Connection, codes: Iterable[str], periods: Sequence[Period]
) -> dict[str, dict[tuple[date, date], dict[str, tuple[int, int]]]]:
    """metric code → (period_start, period_end) → agency → (denominator, numerator) of the views that
    `prepare` declares, for `codes` among them and `periods`: what counting each view apart gives, in one
    pass over `marts.dd_qlvb_docreq_item`, which every one of those views would compute again."""
    wanted = set(codes)
    numerators = ", ".join(
        f"SUM(CASE WHEN {numerator} THEN 1 ELSE 0 END) AS {suffix}"
        for suffix, numerator in _VIEW_NUMERATOR.items()
    )
    matches = " OR ".join(f"(period_start = :start{i} AND period_end = :end{i})" for i in range(len(periods)))
    parameters = {}
    for i, period in enumerate(periods):
        parameters |= {f"start{i}": period.start, f"end{i}": period.end}
    rows = conn.execute(
        sa.text(
            f"SELECT requirement_id, period_start, period_end, agency_code,"
            f" SUM(CASE WHEN {_IN_DENOMINATOR} THEN 1 ELSE 0 END) AS n, {numerators}"
            f" FROM marts.dd_qlvb_docreq_item WHERE {matches}"
            " GROUP BY requirement_id, period_start, period_end, agency_code"
        ),
        parameters,
    ).mappings()
    counts: dict[str, dict[tuple[date, date], dict[str, tuple[int, int]]]] = {}
    for row in rows:
        key = (as_date(row["period_start"]), as_date(row["period_end"]))
        for suffix in _VIEW_NUMERATOR:
            code = f"qlvb.{row['requirement_id']}_{suffix}"
            if code in wanted:
                counts.setdefault(code, {}).setdefault(key, {})[row["agency_code"]] = (
                    int(row["n"]),
                    int(row[suffix]),
                )
    return counts


def prepare(conn: sa.Connection, period: Period) -> tuple[Metric, ...]:
    """Before the metrics of a year are counted: default items, matches, and one drill-down view per
    metric of every declared requirement. Returns those metrics (requirement ids are snake_case, checked
    when the catalogue loads, so they are safe inside the views' SQL)."""
    _add_defaults(conn, period.year)
    refresh_matches(conn, period.year)
    metrics = []
    for requirement_id in sorted(_declared(conn, period.year) - {INSPECTION_COVERAGE}):
        for code, select in requirement_views(requirement_id).items():
            metric = Metric(code, ITEMS)
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {metric.view}")
            conn.execute(sa.text(f"CREATE VIEW {metric.view} AS\n{select}\n"))
            metrics.append(metric)
    return tuple(metrics)
