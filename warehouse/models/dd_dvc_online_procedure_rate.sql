-- grain: one row per procedure of Proc(A) (metrics.md §11.1) and computed period; in_numerator: offered
-- online (MucDo 3 or 4).
SELECT
    pa.agency_code,
    p.period_start,
    p.period_end,
    pa.procedure_code,
    pa.service_level IN (3, 4) AS in_numerator
FROM marts.fct_procedure_agency AS pa
CROSS JOIN marts.metric_period AS p
