"""Tables of the document requirements (metrics.md §7): the year's requirements as configuration, and the
register entries that pass §7.2 rules 1–6 for each item (written by `warehouse.docreq`); the SQL models
`marts.dd_qlvb_docreq_*` apply the windows, rank the candidates and give each item its status."""

import sqlalchemy as sa

from warehouse.tables_common import column, primary_key, state_table

cfg_docreq_item = state_table(
    "cfg_docreq_item",
    column("year", sa.Integer, "assessment year Y", nullable=False),
    column(
        "requirement_id",
        sa.Text,
        "the requirement's id: its metrics are qlvb.<id>_on_time, _issued",
        nullable=False,
    ),
    column("requirement_name", sa.Text, "Vietnamese name, used in explanations"),
    column("direction", sa.Text, "di (issued by the agency) or den (received by it)"),
    column("item_order", sa.Integer, "1.. in catalogue order"),
    column("item_code", sa.Text, "the item's code within its requirement", nullable=False),
    column("item_name", sa.Text, "Vietnamese name, {Y} resolved"),
    column("deadline_date", sa.Date, "the item's deadline; null: none"),
    column("after_date", sa.Date, "window: promulgated on or after; null: no lower bound"),
    column("until_date", sa.Date, "window: promulgated on or before; null: no upper bound"),
    column(
        "is_pending_allowed", sa.Boolean, "pending: an item not yet due and not issued leaves both counts"
    ),
    column(
        "is_coverage_checked", sa.Boolean, "coverage_check: an item that may predate the data is unverifiable"
    ),
    column(
        "matching",
        sa.Text,
        "rules 1-6 as JSON: types, type_names, phrases, none_of, boundaries, to, from, in_force",
    ),
    primary_key("year", "requirement_id", "item_code"),
    comment="one row per item of a document requirement of the year (metrics.md §7.1), from the catalogues",
)

docreq_match = state_table(
    "docreq_match",
    column("year", sa.Integer, "assessment year Y", nullable=False),
    column("requirement_id", sa.Text, "requirement, or qlvb.inspection_coverage (§7.7)", nullable=False),
    column("item_code", sa.Text, "item of the requirement; empty for inspection documents", nullable=False),
    column("document_key", sa.Text, "marts.fct_document.document_key of the register entry", nullable=False),
    primary_key("year", "requirement_id", "item_code", "document_key"),
    comment="register entries passing metrics.md §7.2 rules 1-6 (register, exclusions, type, subject with "
    "word boundaries, receivers, in force) for an item: matched in Python (warehouse.docreq), since word "
    "boundaries have no portable SQL; windows and ranks are left to the SQL models",
)
