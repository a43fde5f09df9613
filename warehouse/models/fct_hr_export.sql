-- grain: one row per agency and month with an HR export loaded (its latest content).
SELECT
    e.agency_code,
    e.export_month,
    CAST(e.export_month + INTERVAL '1 month' - INTERVAL '1 day' AS DATE) AS month_end
FROM staging.stg_hr__export AS e
