"""Landing extract batches: raw, the pending rows, staging (latest version wins) and quarantine.

A batch lands in one transaction (`append_batch`): its raw rows, the quarantine of its rejected records, and
its rows with their array entries in the pending twins of the staging tables
(`warehouse.tables_common.pending_twin`). `merge_pending` merges all pending rows of a target into staging in
one set-based transaction, with the outcome of merging the batches one after another in the order they were
fetched, duplicate conflicts included. A merge reads staging once, whatever it holds: merging
every `MERGE_EVERY_ROWS` pending rows keeps the cost of a batch flat as staging grows (issue 15). A merge per
batch would read the whole of staging every batch on DuckDB, which has no index joins.
"""

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
# About ten 20 k-dossier batches: a merge's one read of staging is shared by all of them, and its window
# over the pending rows stays within the pipeline's DuckDB memory limit (281 MiB).
MERGE_EVERY_ROWS = 200_000
# The order in which staging would have seen the rows of one key: by fetch (time, then order within the run),
# then by arrival; staging's own row (`_pending_seq` 0) before the pending ones on a tie.
_FETCH_ORDER = "_extracted_at, _fetch_seq, _pending_seq"
_MERGE_TABLES = (
    "merge_ranked",
    "merge_rows",
    "merge_candidates",
    "merge_runs",
    "merge_sequence",
    "merge_winners",
    "merge_conflicts",
    "merge_loser_records",
)


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
    *,
    merge_every: int = 0,
) -> LandingResult:
    """Land one `ExtractBatch` (docs/layers.md §2), then merge the target's pending rows into staging once
    they number `merge_every` or more (0: at once). Re-landing the same batch changes nothing.

    `children` are the entries of a staging row's arrays, one table per child table of the target, each
    row carrying `_parent_key` and `_parent_fetch_seq`: a parent row that wins replaces all its entries
    with those that came with it.

    Staging keeps per key the greatest (_version, fetch order): within the batch by `_fetch_seq`, against
    staging by extraction time then `_fetch_seq`. When the winner and a loser share a version but not their
    `_content_hash`, the loser is quarantined as `duplicate_conflict` with its record from raw. A null
    version (catalogues without one) is older than any version, and never a conflict: the newest full pull
    of an unversioned catalogue simply wins.
    """
    appended = append_batch(engine, batch_id, extracted_at, source, entity, raw, rows, quarantine, children)
    if merge_every and pending_rows(engine, source, entity) < merge_every:
        return appended
    merged = merge_pending(engine, source, entity)
    return LandingResult(
        appended.raw_rows, merged.staged_rows, appended.quarantined_rows + merged.quarantined_rows
    )


def append_batch(
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
    """The batch's raw rows, the quarantine of its rejected records, and its rows and their array entries in
    the pending rows, in one transaction; staging is not read. Rows staged and rivals quarantined as
    duplicate conflicts are counted by the merge."""
    target = schema.landing_target(source, entity)
    pending = schema.pending_twin(target.staging)
    with engine.begin() as conn:
        for table in (target.raw, *_pending_tables(target)):
            conn.execute(sa.delete(table).where(table.c._batch_id == batch_id))
        raw_rows = load_arrow(
            conn,
            target.raw,
            with_constants(raw, _batch_id=batch_id, _extracted_at=extracted_at, _source=source),
        )
        arrival = _next_arrival(conn, pending)
        load_arrow(
            conn,
            pending,
            with_constants(rows, _batch_id=batch_id, _extracted_at=extracted_at, _pending_seq=arrival),
        )
        for name, child in target.children.items():
            if name in (children or {}):
                load_arrow(
                    conn, schema.pending_twin(child), with_constants(children[name], _batch_id=batch_id)
                )
        quarantined = _quarantine_batch(conn, target, quarantine, batch_id)
    return LandingResult(raw_rows, 0, quarantined)


def pending_rows(engine: sa.Engine, source: str, entity: str) -> int:
    pending = schema.pending_twin(schema.landing_target(source, entity).staging)
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(pending))


def merge_source(engine: sa.Engine, source: str) -> LandingResult:
    """Merge the pending rows of every entity of `source` (a stream's end, a killed run's leftovers)."""
    staged = quarantined = 0
    for target_source, entity in schema.LANDING_TARGETS:
        if target_source == source and pending_rows(engine, source, entity):
            merged = merge_pending(engine, source, entity)
            staged, quarantined = staged + merged.staged_rows, quarantined + merged.quarantined_rows
    return LandingResult(0, staged, quarantined)


def merge_pending(engine: sa.Engine, source: str, entity: str) -> LandingResult:
    """Merge the entity's rows pending when the merge begins into staging, and remove them, in one
    transaction; batches appended meanwhile wait for the next merge."""
    with engine.begin() as conn:
        merge = _PendingMerge(conn, schema.landing_target(source, entity), source, entity)
        if not merge.sequence():
            return LandingResult(0, 0, 0)
        quarantined = merge.quarantine_conflicts()
        staged = merge.apply()
    return LandingResult(0, staged, quarantined)


def _pending_tables(target: schema.LandingTarget) -> list[sa.Table]:
    return [schema.pending_twin(table) for table in (target.staging, *target.children.values())]


def _next_arrival(conn: sa.Connection, pending: sa.Table) -> int:
    return int(conn.scalar(sa.select(sa.func.coalesce(sa.func.max(pending.c._pending_seq), 0) + 1)))


def _conflicts_sql(source: str, entity: str, losers_sql: str) -> str:
    """Quarantine candidates of `duplicate_conflict` for the losers of `losers_sql` (`_key`, `_version`,
    `_locator`, `_record`: a loser with its record from raw, `quarantine.with_raw_record`)."""
    return f"""
        SELECT '{source}' AS source, '{entity}' AS entity, k._key AS record_key,
               k._version AS record_version, k._locator AS locator, CAST(NULL AS VARCHAR) AS field,
               '{DUPLICATE_CONFLICT}' AS reason_code, '{_CONFLICT_DETAIL}' AS detail, k._record AS record
        FROM ({losers_sql}) k
    """


class _PendingMerge:
    """The merge of a target's pending rows into staging, through temporary tables.

    Within a batch, a key's winner is its row of the greatest version, then the latest fetched; a rival of
    the winner's version with other content is a `duplicate_conflict`. Per key, staging's own row (if any)
    and the batches' winners in fetch order are what staging would have seen merging batch after batch: it
    keeps the first of the last run of equal content among the rows of the greatest version (null versions
    the smallest). A row that comes when the kept row has its version but other content replaces it, and the
    replaced row, the first of its run, is a `duplicate_conflict`, found by the batch of the later-arrived of
    the two. Conflicts are quarantined batch by batch in arrival order, as a merge per batch would have."""

    def __init__(self, conn: sa.Connection, target: schema.LandingTarget, source: str, entity: str) -> None:
        self.conn = conn
        self.target = target
        self.source = source
        self.entity = entity
        self.pending = schema.pending_twin(target.staging)
        self.columns = [c.name for c in target.staging.columns]

    def sequence(self) -> bool:
        """Builds `merge_candidates` (every row in the merge, narrow) and `merge_sequence` (the batch winners
        of the keys with more than one row, in fetch order); False when nothing is pending."""
        # Merges of a target take turns, and each merges the batches landed before it began: another step
        # may append (PostgreSQL runs steps side by side) or merge the same source's targets meanwhile.
        dialect.transaction_lock(self.conn, f"parindex.landing.merge.{self.target.staging.fullname}")
        self.last = self.conn.scalar(sa.select(sa.func.max(self.pending.c._pending_seq)))
        if self.last is None:
            return False
        for name in _MERGE_TABLES:
            self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        meta = "_key, _version, _content_hash, _batch_id, _extracted_at, _fetch_seq"
        staging = self.target.staging.fullname
        pending = f"(SELECT * FROM {self.pending.fullname} WHERE _pending_seq <= {int(self.last)}) p"
        # Staging is looked up by key (through its primary key on PostgreSQL), once for all pending rows.
        with dialect.keyed_lookups(self.conn):
            self.conn.exec_driver_sql(
                f"""
                CREATE TEMPORARY TABLE merge_rows AS
                SELECT {meta}, 0 AS _pending_seq FROM {staging} WHERE _key IN (SELECT _key FROM {pending})
                UNION ALL
                SELECT {meta}, _pending_seq FROM {pending}
                """
            )
        self.conn.exec_driver_sql(
            """
            CREATE TEMPORARY TABLE merge_candidates AS
            SELECT c.*, k.rows_of_key > 1 AS contested, k.has_prior
            FROM merge_rows c JOIN (
                SELECT _key, COUNT(*) AS rows_of_key, MIN(_pending_seq) = 0 AS has_prior
                FROM merge_rows GROUP BY _key
            ) k ON k._key = c._key
            """
        )
        # Most keys come once (a new dossier): only the others need their rows ranked and ordered.
        self.conn.exec_driver_sql(
            """
            CREATE TEMPORARY TABLE merge_ranked AS
            SELECT c.*, ROW_NUMBER() OVER (PARTITION BY _key, _pending_seq
                                           ORDER BY _version DESC NULLS LAST, _fetch_seq DESC) AS batch_rank
            FROM merge_candidates c WHERE contested
            """
        )
        same_version = f"PARTITION BY _key, _version ORDER BY {_FETCH_ORDER}"
        self.conn.exec_driver_sql(
            f"""
            CREATE TEMPORARY TABLE merge_runs AS
            SELECT c.*,
                   LAG(_content_hash) OVER ({same_version}) AS previous_hash,
                   LAG(_batch_id) OVER ({same_version}) AS previous_batch_id,
                   MAX(_version) OVER (
                       PARTITION BY _key ORDER BY {_FETCH_ORDER}
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS version_before,
                   MAX(_version) OVER (PARTITION BY _key) AS last_version
            FROM merge_ranked c WHERE batch_rank = 1
            """
        )
        # A run of equal content starts where the content changes within a key's version; it is numbered
        # so that every row knows the batch of its run's first row, the one staging kept.
        self.conn.exec_driver_sql(
            f"""
            CREATE TEMPORARY TABLE merge_sequence AS
            SELECT r.*, FIRST_VALUE(_batch_id) OVER (
                       PARTITION BY _key, _version, run_number ORDER BY {_FETCH_ORDER}) AS run_batch_id
            FROM (
                SELECT m.*, m.previous_hash IS DISTINCT FROM m._content_hash AS starts_run,
                       SUM(CASE WHEN m.previous_hash IS DISTINCT FROM m._content_hash THEN 1 ELSE 0 END)
                           OVER ({same_version} ROWS UNBOUNDED PRECEDING) AS run_number
                FROM merge_runs m
            ) r
            """
        )
        return True

    def quarantine_conflicts(self) -> int:
        """`duplicate_conflict` rows, written batch by batch in arrival order as the batches found them."""
        same_version = f"PARTITION BY _key, _version ORDER BY {_FETCH_ORDER}"
        self.conn.exec_driver_sql(
            f"""
            CREATE TEMPORARY TABLE merge_conflicts AS
            SELECT l._key, l._version, l._batch_id AS loser_batch_id, l._batch_id AS found_by,
                   l._pending_seq AS found_seq
            FROM merge_ranked l JOIN merge_ranked w
              ON w._key = l._key AND w._pending_seq = l._pending_seq AND w.batch_rank = 1
            WHERE l.batch_rank > 1 AND l._version = w._version AND l._content_hash <> w._content_hash
            UNION
            SELECT _key, _version, previous_run_batch_id,
                   CASE WHEN _pending_seq = 0 THEN previous_batch_id ELSE _batch_id END,
                   CASE WHEN _pending_seq = 0 THEN previous_seq ELSE _pending_seq END
            FROM (
                SELECT s.*, LAG(run_batch_id) OVER ({same_version}) AS previous_run_batch_id,
                       LAG(_pending_seq) OVER ({same_version}) AS previous_seq
                FROM merge_sequence s
            ) c
            WHERE _version = version_before AND previous_hash <> _content_hash
            """
        )
        finders = list(
            self.conn.exec_driver_sql(
                "SELECT found_by FROM merge_conflicts GROUP BY found_by ORDER BY MIN(found_seq)"
            ).scalars()
        )
        if not finders:
            return 0
        # Raw is read once for the losers of all the batches: it grows all year, and DuckDB reads all of
        # it for a join. When both rivals came in the same batch, raw cannot tell their records apart (it
        # has no fetch order), so the first copy by locator stands for the loser.
        losers = "SELECT DISTINCT _key, _version, loser_batch_id AS _batch_id FROM merge_conflicts"
        self.conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE merge_loser_records AS {with_raw_record(losers, self.target.raw)}"
        )
        added = 0
        for batch_id in finders:
            found = f"""
                SELECT * FROM merge_loser_records r WHERE EXISTS (
                    SELECT 1 FROM merge_conflicts c
                    WHERE c.found_by = '{batch_id}' AND c._key = r._key AND c.loser_batch_id = r._batch_id
                      AND c._version IS NOT DISTINCT FROM r._version)
            """
            added += insert_rejected(
                self.conn,
                _conflicts_sql(self.source, self.entity, found),
                batch_id,
                self.target.agency_reference,
            )
        return added

    def apply(self) -> int:
        """Replace staging's rows (and their array entries) by the winners among the pending rows; empties
        the pending rows; returns the number of staging rows written."""
        self.conn.exec_driver_sql(
            """
            CREATE TEMPORARY TABLE merge_winners AS
            SELECT _key, _pending_seq, _batch_id, _fetch_seq, has_prior FROM merge_candidates
            WHERE NOT contested
            UNION ALL
            SELECT _key, _pending_seq, _batch_id, _fetch_seq, has_prior FROM (
                SELECT s.*, ROW_NUMBER() OVER (PARTITION BY _key
                    ORDER BY _extracted_at DESC, _fetch_seq DESC, _pending_seq DESC) AS latest
                FROM merge_sequence s
                WHERE _version IS NOT DISTINCT FROM last_version AND starts_run
            ) r
            WHERE latest = 1 AND _pending_seq > 0
            """
        )
        staging = self.target.staging.fullname
        with dialect.keyed_lookups(self.conn):
            self.conn.exec_driver_sql(
                f"DELETE FROM {staging} WHERE _key IN (SELECT _key FROM merge_winners WHERE has_prior)"
            )
        written = self.conn.exec_driver_sql(
            f"INSERT INTO {staging} ({', '.join(self.columns)}) "
            f"SELECT {', '.join(f'p.{name}' for name in self.columns)} FROM {self.pending.fullname} p "
            "JOIN merge_winners w "
            "ON w._key = p._key AND w._pending_seq = p._pending_seq AND w._fetch_seq = p._fetch_seq"
        ).rowcount
        for child in self.target.children.values():
            self._replace_children(child)
        self.conn.exec_driver_sql(
            f"DELETE FROM {self.pending.fullname} WHERE _pending_seq <= {int(self.last)}"
        )
        for child in self.target.children.values():
            self.conn.exec_driver_sql(
                f"DELETE FROM {schema.pending_twin(child).fullname} WHERE _batch_id IN "
                "(SELECT DISTINCT _batch_id FROM merge_candidates WHERE _pending_seq > 0)"
            )
        for name in _MERGE_TABLES:
            self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        return written

    def _replace_children(self, child: sa.Table) -> None:
        with dialect.keyed_lookups(self.conn):
            self.conn.exec_driver_sql(
                f"DELETE FROM {child.fullname} WHERE _parent_key IN (SELECT _key FROM merge_winners)"
            )
        names = [c.name for c in child.columns]
        self.conn.exec_driver_sql(
            f"""
            INSERT INTO {child.fullname} ({", ".join(names)})
            SELECT {", ".join(f"c.{name}" for name in names)} FROM {schema.pending_twin(child).fullname} c
            JOIN merge_winners w
              ON w._key = c._parent_key AND w._batch_id = c._batch_id AND w._fetch_seq = c._parent_fetch_seq
            """
        )


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
