-- grain: one row per KyLuat row of each export. The form and the violation are class R: not here.
SELECT
    x.agency_code,
    x.export_month,
    x.month_end,
    k.decision_number,
    k.decision_date,
    k.cbccvc_hash,
    k.duration_months
FROM staging.stg_hr__discipline AS k
JOIN staging.stg_hr__export AS e ON e._key = k._parent_key
JOIN marts.fct_hr_export AS x ON x.agency_code = e.agency_code AND x.export_month = e.export_month
