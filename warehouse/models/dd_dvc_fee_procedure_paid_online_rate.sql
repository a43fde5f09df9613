-- grain: one row per procedure of Proc(A) with a fee (CoPhiLePhi 1) and computed period; in_numerator: a
-- dossier of it received by the agency in P (R(P)) was paid online (DuocThanhToanTrucTuyen 1 or 2).
SELECT
    pa.agency_code,
    p.period_start,
    p.period_end,
    pa.procedure_code,
    paid.procedure_code IS NOT NULL AS in_numerator
FROM marts.fct_procedure_agency AS pa
-- ON TRUE rather than CROSS JOIN: DuckDB stores a cross join as a comma, which would bind the LEFT JOIN
-- below to metric_period alone when the read copy recreates the view.
JOIN marts.metric_period AS p ON TRUE
LEFT JOIN (
    SELECT DISTINCT r.agency_code, r.period_start, r.period_end, d.procedure_code
    FROM marts.dd_dvc_received AS r
    JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
    WHERE d.is_paid_online
) AS paid
    ON paid.agency_code = pa.agency_code
    AND paid.procedure_code = pa.procedure_code
    AND paid.period_start = p.period_start
    AND paid.period_end = p.period_end
WHERE pa.has_fee
