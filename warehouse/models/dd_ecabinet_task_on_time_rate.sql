-- grain: one row per task whose hanHoanThanh (a date) lies in P, and computed period; agency: the lead
-- agency; in_numerator: completed on or before the deadline. In the year in progress an open task whose
-- deadline day has not ended by the end of P leaves both counts (metrics.md §0).
SELECT
    t.agency_code,
    p.period_start,
    p.period_end,
    t.task_code,
    t.is_on_time AS in_numerator
FROM marts.fct_task AS t
JOIN marts.metric_period AS p ON t.due_on >= p.period_start AND t.due_on <= p.period_end
WHERE t.completed_on IS NOT NULL OR CAST(t.due_on AS TIMESTAMP) + INTERVAL '1 day' <= p.period_end_at
