-- grain: one row per PAKN record received in P and computed period, except unanswered ones whose deadline
-- is at or after the end of P; in_numerator: answered before the deadline (a refusal is an answer).
SELECT
    f.agency_code,
    p.period_start,
    p.period_end,
    f.feedback_id,
    f.is_answered_on_time AS in_numerator
FROM marts.fct_feedback AS f
JOIN marts.metric_period AS p ON f.received_at >= p.period_start_at AND f.received_at < p.period_end_at
WHERE f.answered_at IS NOT NULL OR f.deadline_at < p.period_end_at
