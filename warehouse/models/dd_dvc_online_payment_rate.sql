-- grain: one row per dossier of R(P) with a fee and computed period; in_numerator: paid online.
SELECT
    r.agency_code,
    r.period_start,
    r.period_end,
    r.dossier_code,
    d.is_paid_online AS in_numerator
FROM marts.dd_dvc_received AS r
JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
WHERE d.has_fee
