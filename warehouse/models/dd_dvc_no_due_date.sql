-- grain: one row per counted dossier and computed period: status not 1, 3, 7, no NgayHenTra, E in P.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    TRUE AS in_numerator
FROM marts.fct_dossier AS d
JOIN marts.metric_period AS p ON d.end_at >= p.period_start_at AND d.end_at < p.period_end_at
WHERE d.status NOT IN (1, 3, 7) AND d.due_at IS NULL
