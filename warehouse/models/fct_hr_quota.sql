-- grain: one row per BienChe row (agency, export month, quota year).
SELECT
    e.agency_code,
    e.export_month,
    q.quota_year,
    q.civil_servant_quota,
    q.civil_servants_reported
FROM staging.stg_hr__quota AS q
JOIN staging.stg_hr__export AS e ON e._key = q._parent_key
