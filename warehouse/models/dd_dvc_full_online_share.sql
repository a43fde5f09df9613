-- grain: one row per dossier of R(P) submitted at MucDo 4 (the dossier's own level) and computed period;
-- in_numerator: received online (KenhThucHien 2). A tracking metric: 0 points on the portal.
SELECT
    r.agency_code,
    r.period_start,
    r.period_end,
    r.dossier_code,
    d.is_online AS in_numerator
FROM marts.dd_dvc_received AS r
JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
WHERE d.service_level = 4
