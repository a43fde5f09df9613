-- grain: one row per viên chức of the baseline snapshot (the December export of the year
-- staging.cfg_metric_parameter gives as hr.public_employee_reduction's baseline_year) and one per viên chức
-- of the snapshot for P, by agency and computed period. in_numerator marks the baseline rows: numerator =
-- baseline − current, denominator = baseline (metrics.md §8.2 with §4's baseline rules; kind "reduction").
WITH baseline AS (
    SELECT year, CAST(value || '-12-01' AS DATE) AS export_month
    FROM staging.cfg_metric_parameter
    WHERE metric_code = 'hr.public_employee_reduction' AND name = 'baseline_year'
)
SELECT
    s.agency_code,
    s.period_start,
    s.period_end,
    'baseline' AS snapshot,  -- baseline: a viên chức of the baseline export; current: of P's snapshot
    f.export_month,
    f.person_id_hash,
    TRUE AS in_numerator
FROM marts.dd_hr_snapshot AS s
JOIN baseline AS b ON b.year = s.year
JOIN marts.fct_hr_staff AS f ON f.agency_code = s.agency_code AND f.export_month = b.export_month
WHERE f.is_serving AND f.staff_type = 'Viên chức' AND f.export_month < s.period_end_at
UNION ALL
SELECT
    c.agency_code,
    c.period_start,
    c.period_end,
    'current' AS snapshot,
    c.export_month,
    c.person_id_hash,
    FALSE AS in_numerator
FROM marts.dd_hr_public_employees AS c
