-- grain: one row per dossier of R(P) and computed period; in_numerator: a submitted component re-used
-- digitised data (TaiLieuNop DuocTaiSuDung 1 or 2).
SELECT
    r.agency_code,
    r.period_start,
    r.period_end,
    r.dossier_code,
    portal.has_reused_data AS in_numerator
FROM marts.dd_dvc_received AS r
JOIN marts.fct_dossier_portal AS portal ON portal.dossier_code = r.dossier_code
