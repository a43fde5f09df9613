-- grain: one row per civil servant of the baseline snapshot (the December export of the baseline year,
-- staging.cfg_hr_baseline) and one per civil servant of the snapshot for P, by agency and computed period.
-- in_numerator marks the baseline rows: numerator = baseline − current, denominator = baseline
-- (metrics.md §4; warehouse.metric_values kind "reduction"). For P ending in the baseline year both are the
-- same export, so the numerator is 0.
SELECT
    s.agency_code,
    s.period_start,
    s.period_end,
    'baseline' AS snapshot,  -- baseline: a civil servant of the baseline export; current: of P's snapshot
    f.export_month,
    f.person_id_hash,
    TRUE AS in_numerator
FROM marts.dd_hr_snapshot AS s
CROSS JOIN staging.cfg_hr_baseline AS b
JOIN marts.fct_hr_staff AS f
    ON f.agency_code = s.agency_code
    AND f.export_month = CAST(CAST(b.baseline_year AS VARCHAR) || '-12-01' AS DATE)
WHERE f.is_civil_servant AND f.export_month < s.period_end_at
UNION ALL
SELECT
    c.agency_code,
    c.period_start,
    c.period_end,
    'current' AS snapshot,
    c.export_month,
    c.person_id_hash,
    FALSE AS in_numerator
FROM marts.dd_hr_civil_servants AS c
