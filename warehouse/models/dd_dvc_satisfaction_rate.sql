-- grain: one row per dossier of R(P) and computed period; in_numerator: not dissatisfied (no latest rating
-- KHÔNG HÀI LÒNG, named by no PAKN). The late share of the formula comes from marts.dd_dvc_on_time_rate.
SELECT
    r.agency_code,
    r.period_start,
    r.period_end,
    r.dossier_code,
    NOT d.is_dissatisfied AS in_numerator
FROM marts.dd_dvc_received AS r
JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
