"""The quarantine of rejected records (sources.md §1.10): idempotent writes, re-evaluation, release."""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from warehouse import dialect, schema
from warehouse.clock import local_now
from warehouse.tables_common import AgencyReference

ORPHAN_REFERENCE = "orphan_reference"
_RELEASE_CHUNK = 5_000

CANDIDATE_COLUMNS = (
    "source",
    "entity",
    "record_key",
    "record_version",
    "locator",
    "field",
    "reason_code",
    "detail",
    "record",
)

# A separator no cleaned value contains, so that ("a", "bc") and ("ab", "c") never share a fingerprint.
_FINGERPRINT_SQL = (
    "md5("
    + " || chr(31) || ".join(
        f"COALESCE(CAST(c.{name} AS VARCHAR), '')"
        for name in ("source", "entity", "record_key", "record_version", "field", "reason_code", "record")
    )
    + ")"
)


def _agency_sql(bind: sa.Connection, reference: AgencyReference | None) -> str:
    """Best-effort canonical agency of a candidate row `f`, from the field its record names it by."""
    if reference is None:
        return "CAST(NULL AS VARCHAR)"
    value = f"TRIM({dialect.json_text_field(bind, 'f.record', reference.field)})"
    if reference.via == "dossier":
        # A dossier's _key is its cleaned MaHoSo; matching on it uses the primary key on PostgreSQL.
        return f"(SELECT MIN(d.agency_code) FROM staging.stg_dvc__dossier d WHERE d._key = {value})"
    return (
        "(SELECT MIN(a.agency_code) FROM (SELECT agency_code, old_code FROM staging.cfg_agency"
        " UNION ALL SELECT agency_code, old_code FROM staging.stg_dvc__agency) a"
        f" WHERE a.agency_code = {value} OR a.old_code = {value})"
    )


def insert_rejected(
    conn: sa.Connection,
    candidates_sql: str,
    batch_id: str,
    agency_reference: AgencyReference | None,
) -> int:
    """Quarantine the rows of `candidates_sql` (columns `CANDIDATE_COLUMNS`) not quarantined before.

    The fingerprint makes the write idempotent: a record rejected again for the same reason, by a re-run or
    an overlapping window, keeps its first row.
    """
    columns = ", ".join(CANDIDATE_COLUMNS)
    statement = sa.text(
        f"""
        INSERT INTO quarantine.rejected_record
            (fingerprint, {columns}, agency_code, batch_id, quarantined_at)
        SELECT f.fingerprint, {", ".join(f"f.{name}" for name in CANDIDATE_COLUMNS)},
               {_agency_sql(conn, agency_reference)}, :batch_id, :quarantined_at
        FROM (
            SELECT c.*, {_FINGERPRINT_SQL} AS fingerprint,
                   ROW_NUMBER() OVER (PARTITION BY {_FINGERPRINT_SQL} ORDER BY c.locator) AS copy_number
            FROM ({candidates_sql}) c
        ) f
        WHERE f.copy_number = 1
          AND NOT EXISTS (SELECT 1 FROM quarantine.rejected_record q WHERE q.fingerprint = f.fingerprint)
        """
    )
    return conn.execute(statement, {"batch_id": batch_id, "quarantined_at": local_now(conn)}).rowcount


def with_raw_record(keys_sql: str, raw: sa.Table) -> str:
    """The rows of `keys_sql` (with columns `_batch_id`, `_key`, `_version`) plus the `_locator` and
    `_record` of their raw row; the first by locator when the batch holds several copies of the record."""
    return f"""
        SELECT * FROM (
            SELECT k.*, r._locator, r._record, ROW_NUMBER() OVER (
                PARTITION BY k._batch_id, k._key, k._version ORDER BY r._locator) AS copy_number
            FROM ({keys_sql}) k
            LEFT JOIN {raw.fullname} r ON r._batch_id = k._batch_id AND r._key = k._key
                AND r._version IS NOT DISTINCT FROM k._version
        ) keyed WHERE keyed.copy_number = 1
    """


def open_records(engine: sa.Engine, source: str, entity: str, reasons: Iterable[str]) -> list[dict[str, Any]]:
    """Open (unreleased) quarantine rows of an entity for the given reasons, oldest version first.

    The pipeline normalises their `record` again with the current references and configuration, lands
    what passes and `release`s those fingerprints.
    """
    table = schema.rejected_record
    query = (
        sa.select(table)
        .where(
            table.c.source == source,
            table.c.entity == entity,
            table.c.reason_code.in_(list(reasons)),
            table.c.released_at.is_(None),
        )
        .order_by(table.c.record_version, table.c.record_key, table.c.fingerprint)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def release(engine: sa.Engine, fingerprints: Sequence[str], batch_id: str) -> int:
    """Mark open quarantine rows as released by `batch_id`; returns how many were open."""
    table = schema.rejected_record
    released = 0
    released_at = local_now(engine)
    with engine.begin() as conn:
        for start in range(0, len(fingerprints), _RELEASE_CHUNK):
            chunk = list(fingerprints[start : start + _RELEASE_CHUNK])
            released += conn.execute(
                sa.update(table)
                .where(table.c.fingerprint.in_(chunk), table.c.released_at.is_(None))
                .values(released_at=released_at, released_batch_id=batch_id)
            ).rowcount
    return released


# DVC entities whose records point at a dossier by MaHoSo (sources.md §2.7, §2.8).
_CHILD_ENTITIES = ("phieu-xin-loi", "danh-gia")


def refresh_orphans(engine: sa.Engine, batch_id: str) -> dict[str, int]:
    """Re-evaluate apologies and ratings against the dossiers in staging (sources.md §2.7, Q12).

    Run after every DVC resource of the run has landed. A child whose dossier is missing stays in staging
    (no metric can reach it without its dossier) and gets one open `orphan_reference` row per version; the
    row is released once the dossier arrives or a newer version of the child replaces that one. Returns
    the number of rows quarantined and released.
    """
    quarantined = released = 0
    released_at = local_now(engine)
    with engine.begin() as conn:
        for entity in _CHILD_ENTITIES:
            target = schema.landing_target("dvc", entity)
            # Materialised once: as a correlated subquery PostgreSQL re-ran the anti-join per quarantine row.
            conn.exec_driver_sql("DROP TABLE IF EXISTS orphan_rows")
            conn.exec_driver_sql(
                "CREATE TEMPORARY TABLE orphan_rows AS"
                f" SELECT s._key, s._version, s._batch_id, s.dossier_code FROM {target.staging.fullname} s"
                " WHERE NOT EXISTS"
                " (SELECT 1 FROM staging.stg_dvc__dossier d WHERE d.dossier_code = s.dossier_code)"
            )
            not_yet_open = f"""
                SELECT o.* FROM orphan_rows o
                WHERE NOT EXISTS (
                    SELECT 1 FROM quarantine.rejected_record q
                    WHERE q.source = 'dvc' AND q.entity = '{entity}' AND q.reason_code = '{ORPHAN_REFERENCE}'
                      AND q.released_at IS NULL AND q.record_key = o._key
                      AND q.record_version IS NOT DISTINCT FROM o._version)
            """
            candidates = f"""
                SELECT 'dvc' AS source, '{entity}' AS entity, o._key AS record_key,
                       o._version AS record_version, o._locator AS locator, 'MaHoSo' AS field,
                       '{ORPHAN_REFERENCE}' AS reason_code,
                       'Trường MaHoSo tham chiếu hồ sơ ' || o.dossier_code || ' chưa có trong kho dữ liệu'
                           AS detail,
                       o._record AS record
                FROM ({with_raw_record(not_yet_open, target.raw)}) o
            """
            quarantined += insert_rejected(conn, candidates, batch_id, None)
            released += conn.execute(
                sa.text(
                    "UPDATE quarantine.rejected_record AS q"
                    " SET released_at = :released_at, released_batch_id = :batch_id"
                    " WHERE q.source = 'dvc' AND q.entity = :entity AND q.reason_code = :reason"
                    " AND q.released_at IS NULL AND NOT EXISTS (SELECT 1 FROM orphan_rows o"
                    " WHERE o._key = q.record_key AND o._version IS NOT DISTINCT FROM q.record_version)"
                ),
                {
                    "entity": entity,
                    "reason": ORPHAN_REFERENCE,
                    "released_at": released_at,
                    "batch_id": batch_id,
                },
            ).rowcount
            conn.exec_driver_sql("DROP TABLE orphan_rows")
    return {"quarantined": quarantined, "released": released}
