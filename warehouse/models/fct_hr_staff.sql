-- grain: one row per CanBo row of the latest content of each agency and month.
-- A row quarantined by the transfer rule (sources.md §5.9, Q15: open duplicate_person) is not serving.
SELECT
    e.agency_code,
    e.export_month,
    s.person_id_hash,
    s.cbccvc_hash,
    s.staff_type,
    s.status,
    s.joined_on,
    d.record_key IS NOT NULL AS is_duplicate_person,
    s.status = 'Đang làm việc' AND d.record_key IS NULL AS is_serving,
    s.status = 'Đang làm việc' AND d.record_key IS NULL AND s.staff_type = 'Công chức' AS is_civil_servant
FROM staging.stg_hr__staff AS s
JOIN staging.stg_hr__export AS e ON e._key = s._parent_key
LEFT JOIN (
    SELECT DISTINCT record_key
    FROM quarantine.rejected_record
    WHERE source = 'hr' AND entity = 'can-bo' AND reason_code = 'duplicate_person' AND released_at IS NULL
) AS d ON d.record_key = s.record_key
