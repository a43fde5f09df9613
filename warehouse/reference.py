"""Reference data the normalisers need: agencies and procedure codes."""

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import sqlalchemy as sa

from warehouse import tables_dvc, tables_shared
from warehouse.loading import load_arrow, rows_to_arrow

AGENCY_COLUMNS = (
    "agency_code",
    "old_code",
    "agency_name",
    "unit_type",
    "parent_code",
    "valid_from",
    "valid_to",
)


def agency_rows(engine: sa.Engine) -> list[dict[str, Any]]:
    """Every agency row of the configuration, then of DVC don-vi, as dicts of `AGENCY_COLUMNS` plus
    `origin` ("config" or "don-vi"): a consumer that keeps the first row per code lets configuration win."""
    rows = []
    with engine.connect() as conn:
        for origin, table in (("config", tables_shared.cfg_agency), ("don-vi", tables_dvc.stg_dvc__agency)):
            query = sa.select(*(table.c[name] for name in AGENCY_COLUMNS)).order_by(table.c.agency_code)
            rows.extend({**row, "origin": origin} for row in conn.execute(query).mappings())
    return rows


class ProcedureCodes(NamedTuple):
    full_codes: frozenset[str]
    short_to_full: dict[str, str]


def procedure_codes(engine: sa.Engine) -> ProcedureCodes:
    """The catalogue's full codes and its short → full map, for the Q9 mapping of dossiers."""
    table = tables_dvc.stg_dvc__procedure
    with engine.connect() as conn:
        pairs = conn.execute(sa.select(table.c.procedure_code, table.c.short_code)).all()
    return ProcedureCodes(
        frozenset(code for code, _ in pairs), {short: code for code, short in pairs if short is not None}
    )


def load_agency_config(engine: sa.Engine, rows: Iterable[Mapping[str, Any]]) -> int:
    """Replace the configured agency table with `rows` (dicts with keys of `AGENCY_COLUMNS`)."""
    data = rows_to_arrow(tables_shared.cfg_agency, rows)
    with engine.begin() as conn:
        conn.execute(sa.delete(tables_shared.cfg_agency))
        return load_arrow(conn, tables_shared.cfg_agency, data)
