-- grain: one row per dossier of T(P) or W(P) and computed period (metrics.md §11.1); in_numerator: on time
-- (T(P), as in marts.dd_dvc_on_time_rate) or still within time with at most one supplement request (W(P)).
-- W(P): status not 1, 3, 7, a due date at or after the end of P, received before it and not ended before it;
-- unlike T(P) it keeps the dossiers waiting for the applicant (statuses 5, 6; metrics.md §13.9).
SELECT
    t.agency_code,
    t.period_start,
    t.period_end,
    t.dossier_code,
    FALSE AS is_within_time, -- the dossier is of W(P), still within time when P closes, not of T(P)
    t.in_numerator
FROM marts.dd_dvc_on_time_rate AS t
UNION ALL
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    TRUE AS is_within_time,
    d.supplement_request_count <= 1 AS in_numerator
FROM marts.fct_dossier AS d
JOIN marts.metric_period AS p
    ON d.received_at < p.period_end_at
    AND (d.end_at IS NULL OR d.end_at >= p.period_end_at)
    AND d.due_at >= p.period_end_at
WHERE d.status NOT IN (1, 3, 7)
