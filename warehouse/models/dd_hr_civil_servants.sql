-- grain: one row per civil servant serving in the agency's snapshot for P (a count metric).
SELECT
    s.agency_code,
    s.period_start,
    s.period_end,
    s.export_month,
    f.person_id_hash,
    TRUE AS in_numerator
FROM marts.dd_hr_snapshot AS s
JOIN marts.fct_hr_staff AS f ON f.agency_code = s.agency_code AND f.export_month = s.export_month
WHERE f.is_civil_servant
