-- grain: one row per completed dossier (E in P, status 9 or 10) and computed period; in_numerator: a
-- digitised component and, when its procedure issues a paper result (KetQuaGiay 1), an electronic result.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    d.is_digitised AND (d.has_e_result OR NOT portal.procedure_paper_result) AS in_numerator
FROM marts.fct_dossier AS d
JOIN marts.fct_dossier_portal AS portal ON portal.dossier_code = d.dossier_code
JOIN marts.metric_period AS p ON d.end_at >= p.period_start_at AND d.end_at < p.period_end_at
WHERE d.status IN (9, 10)
