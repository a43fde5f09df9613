-- grain: one row per dossier with E in P and status 9 or 10, and computed period; in_numerator: an
-- electronic result document.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    d.has_e_result AS in_numerator
FROM marts.fct_dossier AS d
JOIN marts.metric_period AS p ON d.end_at >= p.period_start_at AND d.end_at < p.period_end_at
WHERE d.status IN (9, 10)
