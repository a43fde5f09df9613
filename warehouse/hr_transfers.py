"""The transfer rule of sources.md §5.9 (Q15) over every export in staging.

When CanBo rows of the same month list the same person (`SoDinhDanhCaNhan`) as `Đang làm việc` more than
once, the row with the latest `NgayVeDonVi` is kept and the others are quarantined as `duplicate_person`;
when the latest date is shared, those rows are quarantined too. The rule spans files, so it runs after every
export of a run has landed; a row whose conflict has gone (a re-issued export) is released.
`marts.fct_hr_staff` leaves the open rows out of the serving staff.
"""

import sqlalchemy as sa

from warehouse.clock import local_now
from warehouse.quarantine import insert_rejected, with_raw_record
from warehouse.tables_common import AgencyReference
from warehouse.tables_hr import raw_hr__nhansu

DUPLICATE_PERSON = "duplicate_person"
ENTITY = "can-bo"
_SERVING = "Đang làm việc"
_DETAIL_EARLIER = (
    "Trường SoDinhDanhCaNhan: người này cũng đang làm việc ở đơn vị khác trong cùng tháng với "
    "Ngày về đơn vị muộn hơn; giữ dòng đó"
)
_DETAIL_EQUAL = (
    "Trường SoDinhDanhCaNhan: người này đang làm việc ở hai đơn vị trong cùng tháng với cùng Ngày về đơn vị; "
    "cả hai dòng bị cách ly"
)

# Rows that lose under the rule, with their tie flag; `_key` is the row's record_key.
_LOSERS = f"""
    WITH serving AS (
        SELECT s.record_key, s._batch_id, s.joined_on, s.person_id_hash, e.export_month
        FROM staging.stg_hr__staff s
        JOIN staging.stg_hr__export e ON e._key = s._parent_key
        WHERE s.status = '{_SERVING}'
    ),
    latest AS (
        SELECT serving.*,
               COUNT(*) OVER (PARTITION BY export_month, person_id_hash) AS listings,
               MAX(joined_on) OVER (PARTITION BY export_month, person_id_hash) AS latest_joined
        FROM serving
    ),
    tied AS (
        SELECT latest.*,
               SUM(CASE WHEN joined_on = latest_joined THEN 1 ELSE 0 END)
                   OVER (PARTITION BY export_month, person_id_hash) AS at_latest
        FROM latest
    )
    SELECT record_key AS _key, _batch_id, CAST(NULL AS TIMESTAMP) AS _version, at_latest > 1 AS is_tie,
           export_month
    FROM tied
    WHERE listings > 1 AND NOT (joined_on = latest_joined AND at_latest = 1)
"""


def refresh_duplicate_persons(engine: sa.Engine, batch_id: str) -> dict[str, int]:
    """Quarantine the rows that lose under the rule and release those that no longer do."""
    losers = "SELECT * FROM hr_duplicate_losers"
    candidates = f"""
        SELECT 'hr' AS source, '{ENTITY}' AS entity, l._key AS record_key,
               CAST(l.export_month AS TIMESTAMP) AS record_version, l._locator AS locator,
               'SoDinhDanhCaNhan' AS field, '{DUPLICATE_PERSON}' AS reason_code,
               CASE WHEN l.is_tie THEN '{_DETAIL_EQUAL}' ELSE '{_DETAIL_EARLIER}' END AS detail,
               l._record AS record
        FROM ({with_raw_record(losers, raw_hr__nhansu)}) l
    """
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS hr_duplicate_losers")
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE hr_duplicate_losers AS {_LOSERS}")
        quarantined = insert_rejected(conn, candidates, batch_id, AgencyReference("agency", "MaDonVi"))
        released = conn.execute(
            sa.text(
                "UPDATE quarantine.rejected_record AS q"
                " SET released_at = :released_at, released_batch_id = :batch_id"
                " WHERE q.source = 'hr' AND q.entity = :entity AND q.reason_code = :reason"
                " AND q.released_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM hr_duplicate_losers l WHERE l._key = q.record_key)"
            ),
            {
                "released_at": local_now(conn),
                "batch_id": batch_id,
                "entity": ENTITY,
                "reason": DUPLICATE_PERSON,
            },
        ).rowcount
        conn.exec_driver_sql("DROP TABLE hr_duplicate_losers")
    return {"quarantined": quarantined, "released": released}
