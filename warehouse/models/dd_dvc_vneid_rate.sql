-- grain: one row per dossier of R(P) of a citizen (LoaiDoiTuong 1) and computed period; in_numerator: the
-- applicant's account is verified with VNeID.
SELECT
    r.agency_code,
    r.period_start,
    r.period_end,
    r.dossier_code,
    portal.is_vneid_verified AS in_numerator
FROM marts.dd_dvc_received AS r
JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
JOIN marts.fct_dossier_portal AS portal ON portal.dossier_code = r.dossier_code
WHERE d.applicant_type = 1
