"""The warehouse's schema: every table module, where each source's entities land, and the upgrade.

Tables are declared by concern, each module with the helpers of `warehouse.tables_common`:
`tables_shared` (pipeline state, the quarantine and the marts every source shares) and one
`tables_<source>` per source system (its raw, staging and mart tables, and its `LANDING_TARGETS`). The
modules are imported here explicitly, so that importing this module declares every table in `metadata`
(which the migrations create from); a new source adds its module to `SOURCE_TABLES`.

Schemas: `raw` (as landed), `staging` (typed, one row per key), `quarantine` (rejected records), `marts`
(facts, dimensions, drill-down views, metric values). Timestamps are naive local time (docs/layers.md §1).
"""

import sqlalchemy as sa

from warehouse import (
    tables_docreq,
    tables_dvc,
    tables_ecabinet,
    tables_hr,
    tables_metric_parameters,
    tables_qlvb,
)
from warehouse.tables_common import SCHEMAS, LandingTarget, metadata, pending_twin
from warehouse.tables_dvc import dvc_portal_dossier_columns, stg_dvc__dossier
from warehouse.tables_shared import (
    catalogue_leaf,
    criterion_score,
    dim_agency,
    metric_period,
    metric_value,
    rejected_record,
)

# The names other layers and tests read as `warehouse.schema.NAME`.
__all__ = [
    "LANDING_TARGETS",
    "SCHEMAS",
    "LandingTarget",
    "catalogue_leaf",
    "criterion_score",
    "dim_agency",
    "dvc_portal_dossier_columns",
    "ensure_schema",
    "landing_target",
    "metadata",
    "pending_twin",
    "metric_period",
    "metric_value",
    "rejected_record",
    "stg_dvc__dossier",
]

SOURCE_TABLES = (tables_dvc, tables_qlvb, tables_ecabinet, tables_hr)
# Tables that no source lands in, declared in `metadata` by their import above: the document requirements of
# the catalogues and the register entries matching them (metrics.md §7), the catalogues' metric parameters
# and the HR leader levels (metrics.md §8).
DERIVED_TABLES = (tables_docreq, tables_metric_parameters)

LANDING_TARGETS: dict[tuple[str, str], LandingTarget] = {
    key: target for module in SOURCE_TABLES for key, target in module.LANDING_TARGETS.items()
}

# Declared here, once per landing target: the pending twin of every staging table and child table.
PENDING_TABLES = tuple(
    pending_twin(table)
    for target in LANDING_TARGETS.values()
    for table in (target.staging, *target.children.values())
)


def landing_target(source: str, entity: str) -> LandingTarget:
    try:
        return LANDING_TARGETS[(source, entity)]
    except KeyError:
        raise ValueError(f"no warehouse tables for source {source!r}, entity {entity!r}") from None


def ensure_schema(engine: sa.Engine) -> None:
    """Upgrade the warehouse to the newest migration (creating it if empty); safe to call on every run."""
    # Imported here: the migrations read the tables this module declares.
    from warehouse.migrations import upgrade

    upgrade(engine)
