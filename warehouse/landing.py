"""Landing one extract batch: raw, staging (latest version wins) and quarantine, in one transaction."""

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

import pyarrow as pa
import sqlalchemy as sa

from warehouse import dialect, schema
from warehouse.loading import load_arrow, with_constants
from warehouse.quarantine import CANDIDATE_COLUMNS, insert_rejected, with_raw_record

DUPLICATE_CONFLICT = "duplicate_conflict"
_CONFLICT_DETAIL = "Trùng khóa và phiên bản nhưng khác nội dung; giữ bản nhận sau"


class LandingResult(NamedTuple):
    raw_rows: int
    staged_rows: int  # rows written to staging: new keys, newer versions, equal versions fetched later
    quarantined_rows: int  # new quarantine rows, the batch's own and duplicate conflicts


def _temporary_copy(name: str, columns: list[sa.Column]) -> sa.Table:
    return sa.Table(
        name, sa.MetaData(), *(sa.Column(c.name, c.type) for c in columns), prefixes=["TEMPORARY"]
    )


def land_batch(
    engine: sa.Engine,
    batch_id: str,
    extracted_at: datetime,
    source: str,
    entity: str,
    raw: pa.Table,
    rows: pa.Table,
    quarantine: pa.Table,
    children: Mapping[str, pa.Table] | None = None,
) -> LandingResult:
    """Land one `ExtractBatch` (docs/layers.md §2). Re-landing the same batch changes nothing.

    `children` are the entries of a staging row's arrays, one table per child table of the target, each
    row carrying `_parent_key` and `_parent_fetch_seq`: a parent row that wins replaces all its entries
    with those that came with it.

    Staging keeps per key the greatest (_version, fetch order): within the batch by `_fetch_seq`, against
    staging by extraction time then `_fetch_seq`. When the winner and a loser share a version but not their
    `_content_hash`, the loser is quarantined as `duplicate_conflict` with its record from raw. A null
    version (catalogues without one) is older than any version, and never a conflict: the newest full pull
    of an unversioned catalogue simply wins.
    """
    target = schema.landing_target(source, entity)
    with engine.begin() as conn:
        conn.execute(sa.delete(target.raw).where(target.raw.c._batch_id == batch_id))
        raw_rows = load_arrow(
            conn,
            target.raw,
            with_constants(raw, _batch_id=batch_id, _extracted_at=extracted_at, _source=source),
        )
        merge = _StagingMerge(conn, target, source, entity)
        merge.load(with_constants(rows, _batch_id=batch_id, _extracted_at=extracted_at))
        quarantined = insert_rejected(conn, merge.conflicts_sql(), batch_id, target.agency_reference)
        staged = merge.apply(
            {name: with_constants(data, _batch_id=batch_id) for name, data in (children or {}).items()}
        )
        quarantined += _quarantine_batch(conn, target, quarantine, batch_id)
    return LandingResult(raw_rows, staged, quarantined)


class _StagingMerge:
    """The set-based merge of a batch's rows into a staging table, through two temporary tables."""

    def __init__(self, conn: sa.Connection, target: schema.LandingTarget, source: str, entity: str) -> None:
        self.conn = conn
        self.target = target
        self.source = source
        self.entity = entity
        self.rows = _temporary_copy("landing_rows", list(target.staging.columns))
        self.columns = ", ".join(c.name for c in target.staging.columns)

    def load(self, rows: pa.Table) -> None:
        self.conn.exec_driver_sql("DROP TABLE IF EXISTS landing_rows")
        self.conn.exec_driver_sql("DROP TABLE IF EXISTS landing_merge")
        self.rows.create(self.conn)
        load_arrow(self.conn, self.rows, rows)
        # batch_rank 1 is the batch's winner per key; incoming_wins says whether it beats staging's row.
        merge = f"""
            CREATE TEMPORARY TABLE landing_merge AS
            SELECT w.*, s._key IS NOT NULL AS has_prior, s._version AS prior_version,
                   s._content_hash AS prior_hash, s._batch_id AS prior_batch_id,
                   CASE
                       WHEN s._key IS NULL THEN TRUE
                       WHEN w._version IS NOT DISTINCT FROM s._version THEN
                           -- the same content again (a rerun, a lookback overlap) leaves staging untouched
                           w._content_hash <> s._content_hash AND (
                               w._extracted_at > s._extracted_at
                               OR (w._extracted_at = s._extracted_at AND w._fetch_seq >= s._fetch_seq))
                       WHEN s._version IS NULL THEN TRUE
                       WHEN w._version IS NULL THEN FALSE
                       ELSE w._version > s._version
                   END AS incoming_wins
            FROM (
                SELECT r.*, ROW_NUMBER() OVER (
                    PARTITION BY r._key ORDER BY r._version DESC NULLS LAST, r._fetch_seq DESC) AS batch_rank
                FROM landing_rows r
            ) w
            LEFT JOIN {self.target.staging.fullname} s ON s._key = w._key
        """
        # Staging is looked up by key (through its primary key on PostgreSQL), not scanned whole.
        with dialect.keyed_lookups(self.conn):
            self.conn.exec_driver_sql(merge)

    def conflicts_sql(self) -> str:
        """Quarantine candidates: losers that share the winner's version but not its content.

        A loser's record is read from raw by batch, key and version. When both rivals came in the same
        batch, raw cannot tell their records apart (it has no fetch order), so the first copy by locator
        stands for the loser.
        """
        losers = """
            SELECT l._key, l._version, l._batch_id
            FROM landing_merge l JOIN landing_merge w ON w._key = l._key AND w.batch_rank = 1
            WHERE l.batch_rank > 1 AND l._version = w._version AND l._content_hash <> w._content_hash
            UNION
            SELECT w._key, w._version, CASE WHEN w.incoming_wins THEN w.prior_batch_id ELSE w._batch_id END
            FROM landing_merge w
            WHERE w.batch_rank = 1 AND w._version = w.prior_version AND w._content_hash <> w.prior_hash
        """
        return f"""
            SELECT '{self.source}' AS source, '{self.entity}' AS entity, k._key AS record_key,
                   k._version AS record_version, k._locator AS locator, CAST(NULL AS VARCHAR) AS field,
                   '{DUPLICATE_CONFLICT}' AS reason_code, '{_CONFLICT_DETAIL}' AS detail, k._record AS record
            FROM ({with_raw_record(losers, self.target.raw)}) k
        """

    def apply(self, children: Mapping[str, pa.Table]) -> int:
        """Replace beaten staging rows (and their array entries) by the batch's winners; returns the
        number of staging rows written."""
        staging = self.target.staging.fullname
        winners = "FROM landing_merge WHERE batch_rank = 1 AND incoming_wins"
        with dialect.keyed_lookups(self.conn):
            self.conn.exec_driver_sql(
                f"DELETE FROM {staging} WHERE _key IN (SELECT _key {winners} AND has_prior)"
            )
        written = self.conn.exec_driver_sql(
            f"INSERT INTO {staging} ({self.columns}) SELECT {self.columns} {winners}"
        ).rowcount
        for name, child in self.target.children.items():
            self._replace_children(child, children.get(name), winners)
        self.conn.exec_driver_sql("DROP TABLE landing_merge")
        self.rows.drop(self.conn)
        return written

    def _replace_children(self, child: sa.Table, data: pa.Table | None, winners: str) -> None:
        with dialect.keyed_lookups(self.conn):
            self.conn.exec_driver_sql(
                f"DELETE FROM {child.fullname} WHERE _parent_key IN (SELECT _key {winners})"
            )
        if data is None or data.num_rows == 0:
            return
        entries = _temporary_copy("landing_children", list(child.columns))
        self.conn.exec_driver_sql("DROP TABLE IF EXISTS landing_children")
        entries.create(self.conn)
        load_arrow(self.conn, entries, data)
        columns = ", ".join(f"c.{c.name}" for c in child.columns)
        self.conn.exec_driver_sql(
            f"""
            INSERT INTO {child.fullname} ({", ".join(c.name for c in child.columns)})
            SELECT {columns} FROM landing_children c
            JOIN landing_merge w ON w._key = c._parent_key AND w._fetch_seq = c._parent_fetch_seq
            WHERE w.batch_rank = 1 AND w.incoming_wins
            """
        )
        entries.drop(self.conn)


def _quarantine_batch(
    conn: sa.Connection, target: schema.LandingTarget, quarantine: pa.Table, batch_id: str
) -> int:
    if quarantine.num_rows == 0:
        return 0
    staged = _temporary_copy(
        "landing_quarantine", [schema.rejected_record.c[name] for name in CANDIDATE_COLUMNS]
    )
    conn.exec_driver_sql("DROP TABLE IF EXISTS landing_quarantine")
    staged.create(conn)
    load_arrow(conn, staged, quarantine)
    candidates = f"SELECT {', '.join(CANDIDATE_COLUMNS)} FROM landing_quarantine"
    added = insert_rejected(conn, candidates, batch_id, target.agency_reference)
    staged.drop(conn)
    return added
