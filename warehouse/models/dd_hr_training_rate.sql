-- grain: one row per person serving in the agency's snapshot for P (any LoaiNhanSu); in_numerator: a DaoTao
-- row of the agency with DenNgay in P and KetQua Hoàn thành, taken from the exports of months overlapping P,
-- the latest export winning per training key (sources.md §5.6).
WITH latest_training AS (
    SELECT t.agency_code, p.period_start, p.period_end, p.period_end_at, t.cbccvc_hash, t.ended_on, t.result,
           ROW_NUMBER() OVER (
               PARTITION BY t.agency_code, p.period_start, p.period_end, t.training_key
               ORDER BY t.export_month DESC) AS export_rank
    FROM marts.fct_hr_training AS t
    JOIN marts.metric_period AS p ON t.month_end >= p.period_start AND t.export_month < p.period_end_at
),
completed AS (
    SELECT DISTINCT agency_code, period_start, period_end, cbccvc_hash
    FROM latest_training
    WHERE export_rank = 1 AND result = 'Hoàn thành'
      AND ended_on >= period_start AND ended_on <= period_end AND ended_on < period_end_at
)
SELECT
    s.agency_code,
    s.period_start,
    s.period_end,
    s.export_month,
    f.person_id_hash,
    c.cbccvc_hash IS NOT NULL AS in_numerator
FROM marts.dd_hr_snapshot AS s
JOIN marts.fct_hr_staff AS f ON f.agency_code = s.agency_code AND f.export_month = s.export_month
LEFT JOIN completed AS c
    ON c.agency_code = s.agency_code AND c.period_start = s.period_start AND c.period_end = s.period_end
    AND c.cbccvc_hash = f.cbccvc_hash
WHERE f.is_serving
