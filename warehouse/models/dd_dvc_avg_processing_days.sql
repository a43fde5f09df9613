-- grain: one row per completed dossier (E in P, status 9 or 10) and computed period; processing_minutes is
-- its term of the numerator of dvc.avg_processing_days (metrics.md §11.1), whose value is the sum over the
-- rows ÷ their number ÷ 1440. Every row is in the numerator's sum.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    portal.processing_minutes,
    TRUE AS in_numerator -- every completed dossier's minutes are summed into the numerator
FROM marts.fct_dossier AS d
JOIN marts.fct_dossier_portal AS portal ON portal.dossier_code = d.dossier_code
JOIN marts.metric_period AS p ON d.end_at >= p.period_start_at AND d.end_at < p.period_end_at
WHERE d.status IN (9, 10)
