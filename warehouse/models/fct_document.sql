-- grain: one row per register entry (MaDonViQuanLy, direction, normalised DocumentId); no class-R free text.
-- API entries and edXML packages meet on that key (sources.md §3.7, Q17): each field is the API's value
-- when it has one, else the packages'. A document's packages (original, updates, a recall) collapse to the
-- latest by trace time, a recall among them being final; the entry arrived with its first new or replacing
-- package, whose trace time stays its NgayDen. Recall and update packages whose document is neither
-- served by the API nor received as a new or replacing package are orphans: left out here, quarantined by
-- warehouse.qlvb_orphans.
WITH signatures AS (
    SELECT
        _parent_key,
        MAX(CASE WHEN signed_by = 'co_quan' AND is_valid THEN 1 ELSE 0 END) AS agency_signed
    FROM staging.stg_qlvb__signature
    GROUP BY _parent_key
),
packages AS (
    SELECT
        e.*,
        e.agency_code || '|den|' || e.document_id AS document_key,
        ROW_NUMBER() OVER (
            PARTITION BY e.agency_code, e.document_id ORDER BY e._version DESC NULLS LAST, e._key DESC
        ) AS package_rank,
        MAX(CASE WHEN e.business_doc_type = 1 THEN 1 ELSE 0 END)
            OVER (PARTITION BY e.agency_code, e.document_id) AS any_recall,
        MAX(CASE WHEN e.business_doc_type IN (0, 3) THEN 1 ELSE 0 END)
            OVER (PARTITION BY e.agency_code, e.document_id) AS any_base,
        MAX(CASE WHEN e.has_edxml_signature THEN 1 ELSE 0 END)
            OVER (PARTITION BY e.agency_code, e.document_id) AS any_signature,
        MIN(CASE WHEN e.business_doc_type IN (0, 3) THEN e.received_at END)
            OVER (PARTITION BY e.agency_code, e.document_id) AS first_received_at
    FROM staging.stg_qlvb__edxml_package AS e
),
latest_package AS (
    SELECT * FROM packages WHERE package_rank = 1
)
SELECT
    COALESCE(a._key, p.document_key) AS document_key,
    COALESCE(a.agency_code, p.agency_code) AS agency_code,
    COALESCE(a.direction, 'den') AS direction,
    COALESCE(a.document_id, p.document_id) AS document_id,
    COALESCE(a.from_agency_code, p.from_agency_code) AS from_agency_code,
    COALESCE(a.code_number, p.code_number) AS code_number,
    COALESCE(a.code_notation, p.code_notation) AS code_notation,
    COALESCE(a.promulgation_date, p.promulgation_date) AS promulgation_date,
    COALESCE(a.type_name, p.type_name) AS type_name,
    COALESCE(a.received_at, p.first_received_at) AS received_at,
    COALESCE(a.business_doc_type, CASE WHEN p.any_recall = 1 THEN 1 ELSE p.business_doc_type END)
        AS business_doc_type,
    COALESCE(a.business_doc_type, CASE WHEN p.any_recall = 1 THEN 1 ELSE p.business_doc_type END) = 1
        AS is_recalled,
    -- a file-only entry is not secret (sources.md §3.7: DoMat "")
    COALESCE(a.secrecy IS NOT NULL, FALSE) AS is_secret,
    COALESCE(a.transmission, p.transmission) AS transmission,
    COALESCE(a.transmission, p.transmission) IN ('điện tử', 'cả hai') AS is_electronic,
    a.signature_count,
    COALESCE(s.agency_signed = 1, FALSE) AS has_agency_signature,
    COALESCE(p.any_signature = 1, FALSE) AS has_edxml_signature,
    a._key IS NOT NULL AS in_api,
    p.document_key IS NOT NULL AS in_edxml
-- The entries are the API's and the packages' that are new or replacing; both sides hold one row per key.
-- One full join rather than the union of all keys joined to each side, which DuckDB could not build within
-- the pipeline's memory limit at `large`: with 4.56 M entries the union needed 448 MiB, this join 256 MiB.
FROM staging.stg_qlvb__document AS a
FULL JOIN latest_package AS p ON p.document_key = a._key
LEFT JOIN signatures AS s ON s._parent_key = a._key
WHERE a._key IS NOT NULL OR p.any_base = 1
