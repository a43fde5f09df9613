-- grain: one row per dossier of T(P) and computed period; in_numerator: on time.
-- T(P): status not 1, 3, 7, a due date, and either E in P, or still open at the end of P (E null or later),
-- received and due before the end of P and not waiting for the applicant (status 5, 6).
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    d.is_on_time AS in_numerator
FROM marts.fct_dossier AS d
JOIN marts.metric_period AS p
    ON (d.end_at >= p.period_start_at AND d.end_at < p.period_end_at)
    OR (
        (d.end_at IS NULL OR d.end_at >= p.period_end_at)
        AND d.received_at < p.period_end_at
        AND d.due_at < p.period_end_at
        AND d.status NOT IN (5, 6)
    )
WHERE d.status NOT IN (1, 3, 7) AND d.due_at IS NOT NULL
