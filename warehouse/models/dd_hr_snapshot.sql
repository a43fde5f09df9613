-- grain: one row per agency and computed period: the agency's snapshot for P (metrics.md §4), its export
-- of the latest month that starts before the end of P (December for a whole year; in the year in progress
-- nothing later than the run's start). Every HR drill-down starts from it.
SELECT
    x.agency_code,
    p.year,
    p.period_start,
    p.period_end,
    p.period_end_at,
    MAX(x.export_month) AS export_month
FROM marts.fct_hr_export AS x
JOIN marts.metric_period AS p ON x.export_month < p.period_end_at
GROUP BY x.agency_code, p.year, p.period_start, p.period_end, p.period_end_at
