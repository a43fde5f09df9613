-- grain: one row per member asked in a poll sent in P and not cancelled, and computed period; agency: the
-- owner; in_numerator: answered at or before the poll's deadline.
SELECT
    a.agency_code,
    p.period_start,
    p.period_end,
    a.poll_code,
    a.member_id,
    a.is_answered_on_time AS in_numerator
FROM marts.fct_poll_answer AS a
JOIN marts.metric_period AS p ON a.sent_at >= p.period_start_at AND a.sent_at < p.period_end_at
WHERE NOT a.is_poll_cancelled
