-- grain: one row per dossier of R(P) and computed period; in_numerator: HoSoCoThanhPhanSoHoa.
SELECT
    r.agency_code,
    r.period_start,
    r.period_end,
    r.dossier_code,
    d.is_digitised AS in_numerator
FROM marts.dd_dvc_received AS r
JOIN marts.fct_dossier AS d ON d.dossier_code = r.dossier_code
