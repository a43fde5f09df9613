"""What every table declaration of the warehouse shares: the metadata, the column and key helpers, and the
columns every raw, staging, child, mart and state table carries, so that a table module declares only its
own columns (docs/layers.md §2-4).

Timestamps are naive local time (docs/layers.md §1)."""

from typing import NamedTuple

import sqlalchemy as sa

SCHEMAS = ("raw", "staging", "quarantine", "marts")

metadata = sa.MetaData()

LOCAL = "local time"


def column(name: str, type_: sa.types.TypeEngine, comment: str | None = None, **kwargs) -> sa.Column:
    # Keys are natural (a year, a code), never generated. SQLAlchemy would give a lone integer key a sequence
    # default, and DuckDB 1.5 cannot replay a WAL holding a comment on a table with such a default: a run
    # killed before its first checkpoint would leave a warehouse that no longer opens.
    kwargs.setdefault("autoincrement", False)
    return sa.Column(name, type_, comment=comment, **kwargs)


def primary_key(*columns: str) -> sa.PrimaryKeyConstraint:
    """A primary key declared on PostgreSQL only. On DuckDB its ART index made the delete-and-insert
    merge of a 50k-row batch 10 to 30 times slower (measured), and the merge guarantees uniqueness anyway.
    Measured again with DuckDB 1.5.6 on 5 M staging-like rows at the pipeline's 281 MiB limit: `INSERT … ON
    CONFLICT` of a 20k batch took 1.7 s of CPU where scanning all keys takes 0.1 s, a lookup by an IN list
    of the batch's keys 0.15-0.3 s, deleting 2k keys through the index ran out of memory, and DuckDB has no
    index joins."""
    return sa.PrimaryKeyConstraint(*columns).ddl_if(dialect="postgresql")


def raw_table(name: str) -> sa.Table:
    table = sa.Table(
        name,
        metadata,
        column("_batch_id", sa.Text, "load batch that landed the record", nullable=False),
        column("_extracted_at", sa.DateTime, f"when the batch was extracted ({LOCAL})", nullable=False),
        column("_source", sa.Text, "source system, e.g. dvc", nullable=False),
        column("_locator", sa.Text, "request URL with query and item index, or file, sheet and row"),
        column("_key", sa.Text, "cleaned natural key"),
        column(
            "_version", sa.DateTime, f"the record's version time ({LOCAL}); null for unversioned catalogues"
        ),
        column("_record", sa.Text, "the received JSON object after the privacy rules (sources.md §1.9)"),
        column("_drift_fields", sa.Text, "comma-separated field names unknown to the contract"),
        schema="raw",
        comment="append-only: one row per received record; a re-landed batch replaces its own rows",
    )
    # Landing finds rows by batch and key (re-landing, conflicts, orphans). DuckDB prunes appended batches
    # with its zone maps and would only pay for an index on every insert.
    sa.Index(f"ix_{name}_batch_key", table.c._batch_id, table.c._key).ddl_if(dialect="postgresql")
    return table


def child_table(name: str, comment: str, *columns: sa.Column) -> sa.Table:
    """Entries of an array of a staging row (`XuLy[]`, `thanhVien[]`…), replaced with their parent row."""
    table = sa.Table(
        name,
        metadata,
        column("_parent_key", sa.Text, "`_key` of the parent staging row", nullable=False),
        column("_parent_fetch_seq", sa.BigInteger, "fetch order of the parent version the entry came with"),
        column("_batch_id", sa.Text, "load batch that landed the parent version"),
        *columns,
        schema="staging",
        comment=comment,
    )
    # Landing replaces the entries of a batch's parents by `_parent_key`: on PostgreSQL through this index
    # rather than a scan of the whole table (migration 0008_landing_index). DuckDB has no index joins.
    sa.Index(f"ix_{name}_parent_key", table.c._parent_key).ddl_if(dialect="postgresql")
    return table


def staging_table(name: str, comment: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        *columns,
        column("_key", sa.Text, "cleaned natural key, the merge key", nullable=False),
        column("_version", sa.DateTime, f"version time ({LOCAL}): the greatest version per key wins"),
        column("_content_hash", sa.Text, "SHA-256 over the contract fields, version excluded"),
        column(
            "_fetch_seq",
            sa.BigInteger,
            "fetch order within the run: the later-fetched wins on equal versions",
        ),
        column(
            "_batch_id",
            sa.Text,
            "batch that landed this version; with _key and _version it finds the raw row",
        ),
        column("_extracted_at", sa.DateTime, f"when that batch was extracted ({LOCAL})"),
        primary_key("_key"),
        schema="staging",
        comment=comment,
    )


PENDING_SUFFIX = "__pending"


def pending_twin(table: sa.Table) -> sa.Table:
    """The table of rows landed for `table` (a staging table or one of its child tables) but not merged into
    it yet: its columns without its key, and for a staging table the order in which the batches arrived.
    Landing appends each batch's winners here and merges them into staging every so many rows and at the
    end of every stream (warehouse/landing.py), so that a batch never pays for reading the whole of staging.
    Empty between runs; a killed run's rows are merged by the next run before anything else. Declared once,
    in the metadata of `table` (warehouse/schema.py); a later call returns the declared table."""
    name = f"{table.schema}.{table.name}{PENDING_SUFFIX}"
    if name in table.metadata.tables:
        return table.metadata.tables[name]
    columns = [column(c.name, c.type, c.comment) for c in table.columns]
    if "_key" in table.columns:
        columns.append(
            column("_pending_seq", sa.BigInteger, "arrival order of the batch among the pending rows")
        )
    return sa.Table(
        f"{table.name}{PENDING_SUFFIX}",
        table.metadata,
        *columns,
        schema=table.schema,
        comment=f"rows landed for {table.name} and not merged into it yet; empty between runs",
    )


def mart_table(name: str, *columns: sa.Column | sa.Constraint, comment: str) -> sa.Table:
    """A table of `marts`, filled by its SQL model (warehouse/models/NAME.sql); `comment` states its grain."""
    return sa.Table(name, metadata, *columns, schema="marts", comment=comment)


def state_table(name: str, *columns: sa.Column | sa.Constraint, comment: str) -> sa.Table:
    """A table of `staging` that the pipeline keeps itself (cursors, configuration, progress), not one
    landed from a source."""
    return sa.Table(name, metadata, *columns, schema="staging", comment=comment)


class AgencyReference(NamedTuple):
    """Where a record of an entity names its agency, so a quarantined record can be counted per agency.

    `via` is "agency" (the field holds an agency code in either format) or "dossier" (the field holds a
    MaHoSo, whose dossier names the agency).
    """

    via: str
    field: str


class LandingTarget(NamedTuple):
    raw: sa.Table
    staging: sa.Table
    agency_reference: AgencyReference | None
    # Child tables of array entries (e.g. a document's signatures), keyed by `_parent_key`: replaced
    # together with their parent row (docs/layers.md §2).
    children: dict[str, sa.Table] = {}
