-- grain: one row per dossier of R(P) and computed period: NgayTiepNhan in P, TrangThaiHoSo not 1 or 3.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.dossier_code,
    TRUE AS in_numerator
FROM marts.fct_dossier AS d
JOIN marts.metric_period AS p ON d.received_at >= p.period_start_at AND d.received_at < p.period_end_at
WHERE d.status NOT IN (1, 3)
