-- grain: one row per DaoTao row of each export; training_key is the contract's key (sources.md §5.6).
SELECT
    x.agency_code,
    x.export_month,
    x.month_end,
    t.cbccvc_hash || '|' || t.course_name || '|' || CAST(t.started_on AS VARCHAR) AS training_key,
    t.cbccvc_hash,
    t.training_kind,
    t.content,
    t.started_on,
    t.ended_on,
    t.result
FROM staging.stg_hr__training AS t
JOIN staging.stg_hr__export AS e ON e._key = t._parent_key
JOIN marts.fct_hr_export AS x ON x.agency_code = e.agency_code AND x.export_month = e.export_month
