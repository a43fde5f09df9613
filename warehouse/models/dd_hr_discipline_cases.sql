-- grain: one row per discipline decision of the agency with NgayQuyetDinh in P (a count metric), each
-- decision once by SoQuyetDinh across the exports of months overlapping P, the latest export winning.
WITH latest_decision AS (
    SELECT k.agency_code, p.period_start, p.period_end, p.period_end_at, k.export_month, k.decision_number,
           k.decision_date, k.cbccvc_hash,
           ROW_NUMBER() OVER (
               PARTITION BY k.agency_code, p.period_start, p.period_end, k.decision_number
               ORDER BY k.export_month DESC) AS export_rank
    FROM marts.fct_hr_discipline AS k
    JOIN marts.metric_period AS p ON k.month_end >= p.period_start AND k.export_month < p.period_end_at
)
SELECT
    agency_code,
    period_start,
    period_end,
    export_month,
    decision_number,
    decision_date,
    cbccvc_hash,
    TRUE AS in_numerator
FROM latest_decision
WHERE export_rank = 1 AND decision_date >= period_start AND decision_date <= period_end
  AND decision_date < period_end_at
