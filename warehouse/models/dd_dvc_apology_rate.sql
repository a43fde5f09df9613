-- grain: one row per late dossier of T(P) and computed period; in_numerator: an apology slip signed in time.
SELECT
    t.agency_code,
    t.period_start,
    t.period_end,
    t.dossier_code,
    d.has_apology_on_time AS in_numerator
FROM marts.dd_dvc_on_time_rate AS t
JOIN marts.fct_dossier AS d ON d.dossier_code = t.dossier_code
WHERE NOT t.in_numerator
