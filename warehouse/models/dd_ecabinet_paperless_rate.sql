-- grain: one row per meeting that started in P and was not cancelled, and computed period; agency: the
-- owner; in_numerator: paperless (khongGiay after Q19).
SELECT
    m.agency_code,
    p.period_start,
    p.period_end,
    m.meeting_code,
    m.is_paperless AS in_numerator
FROM marts.fct_meeting AS m
JOIN marts.metric_period AS p ON m.starts_at >= p.period_start_at AND m.starts_at < p.period_end_at
WHERE NOT m.is_cancelled
