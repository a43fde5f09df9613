-- grain: one row per procedure of Proc(A) offered online (MucDo 3 or 4) and computed period; in_numerator:
-- the agency received an online dossier (KenhThucHien 2) of it in P (R(P), metrics.md §11.1).
SELECT
    pa.agency_code,
    p.period_start,
    p.period_end,
    pa.procedure_code,
    used.procedure_code IS NOT NULL AS in_numerator
FROM marts.fct_procedure_agency AS pa
-- ON TRUE rather than CROSS JOIN: DuckDB stores a cross join as a comma, which would bind the LEFT JOIN
-- below to metric_period alone when the read copy recreates the view.
JOIN marts.metric_period AS p ON TRUE
LEFT JOIN (
    SELECT DISTINCT r.agency_code, r.period_start, r.period_end, d.procedure_code
    FROM marts.dd_dvc_received AS r
    JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
    WHERE d.is_online
) AS used
    ON used.agency_code = pa.agency_code
    AND used.procedure_code = pa.procedure_code
    AND used.period_start = p.period_start
    AND used.period_end = p.period_end
WHERE pa.service_level IN (3, 4)
