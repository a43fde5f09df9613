"""edXML recall and update packages whose document the warehouse does not have (sources.md §3.5, Q10)."""

import sqlalchemy as sa

from warehouse import schema
from warehouse.clock import local_now
from warehouse.quarantine import ORPHAN_REFERENCE, insert_rejected, with_raw_record

_SOURCE, _ENTITY = "qlvb", "edxml"


def refresh_edxml_orphans(engine: sa.Engine, batch_id: str) -> dict[str, int]:
    """Quarantine, as `orphan_reference`, each recall or update package whose (receiving agency, DocumentId)
    has neither an API `den` entry nor a new or replacing package; release those whose document arrived.

    Run after the API entries and the folder of the run have landed. The package stays in staging, where
    `marts.fct_document` leaves it out until its document arrives. Returns the rows quarantined and released.
    """
    packages = schema.landing_target(_SOURCE, _ENTITY)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS edxml_orphans")
        conn.exec_driver_sql(
            f"""
            CREATE TEMPORARY TABLE edxml_orphans AS
            SELECT e._key, e._version, e._batch_id, e.document_id
            FROM {packages.staging.fullname} e
            WHERE e.business_doc_type IN (1, 2)
              AND NOT EXISTS (SELECT 1 FROM staging.stg_qlvb__document a
                              WHERE a._key = e.agency_code || '|den|' || e.document_id)
              AND NOT EXISTS (SELECT 1 FROM {packages.staging.fullname} b
                              WHERE b.agency_code = e.agency_code AND b.document_id = e.document_id
                                AND b.business_doc_type IN (0, 3))
            """
        )
        not_yet_open = f"""
            SELECT o.* FROM edxml_orphans o
            WHERE NOT EXISTS (
                SELECT 1 FROM quarantine.rejected_record q
                WHERE q.source = '{_SOURCE}' AND q.entity = '{_ENTITY}'
                  AND q.reason_code = '{ORPHAN_REFERENCE}' AND q.released_at IS NULL AND q.record_key = o._key
                  AND q.record_version IS NOT DISTINCT FROM o._version)
        """
        candidates = f"""
            SELECT '{_SOURCE}' AS source, '{_ENTITY}' AS entity, o._key AS record_key,
                   o._version AS record_version, o._locator AS locator, 'DocumentId' AS field,
                   '{ORPHAN_REFERENCE}' AS reason_code,
                   'Gói tin thu hồi/cập nhật: DocumentId ' || o.document_id
                       || ' chưa có trong sổ văn bản đến của đơn vị nhận' AS detail,
                   o._record AS record
            FROM ({with_raw_record(not_yet_open, packages.raw)}) o
        """
        quarantined = insert_rejected(conn, candidates, batch_id, packages.agency_reference)
        released = conn.execute(
            sa.text(
                "UPDATE quarantine.rejected_record AS q"
                " SET released_at = :released_at, released_batch_id = :batch_id"
                " WHERE q.source = :source AND q.entity = :entity AND q.reason_code = :reason"
                " AND q.released_at IS NULL AND NOT EXISTS (SELECT 1 FROM edxml_orphans o"
                " WHERE o._key = q.record_key AND o._version IS NOT DISTINCT FROM q.record_version)"
            ),
            {
                "source": _SOURCE,
                "entity": _ENTITY,
                "reason": ORPHAN_REFERENCE,
                "released_at": local_now(conn),
                "batch_id": batch_id,
            },
        ).rowcount
        conn.exec_driver_sql("DROP TABLE edxml_orphans")
    return {"quarantined": quarantined, "released": released}
