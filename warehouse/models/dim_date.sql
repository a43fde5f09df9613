-- grain: one row per date, from 1 January of the first to 31 December of the last year the warehouse needs:
-- the years of the holiday calendar and of PAKN receipt, plus the year after each receipt year (a deadline
-- 15 working days after a December receipt falls in January). A year without holidays listed is unknown
-- (sources.md §2.10): its working days are Monday to Friday, and calendar_known says not to trust them.
WITH known_years AS (
    SELECT DISTINCT CAST(EXTRACT(YEAR FROM holiday_date) AS INTEGER) AS year
    FROM staging.stg_dvc__holiday
),
needed_years AS (
    SELECT year FROM known_years
    UNION
    SELECT CAST(EXTRACT(YEAR FROM received_at) AS INTEGER) FROM staging.stg_dvc__feedback
    UNION
    SELECT CAST(EXTRACT(YEAR FROM received_at) AS INTEGER) + 1 FROM staging.stg_dvc__feedback
),
bounds AS (
    SELECT MIN(year) AS first_year, MAX(year) AS last_year FROM needed_years
),
days AS (
    SELECT CAST(g.day AS DATE) AS date_day
    FROM bounds AS b,
        generate_series(
            CAST(make_date(b.first_year, 1, 1) AS TIMESTAMP),
            CAST(make_date(b.last_year, 12, 31) AS TIMESTAMP),
            INTERVAL '1 day'
        ) AS g (day)
),
flagged AS (
    SELECT
        d.date_day,
        CAST(EXTRACT(YEAR FROM d.date_day) AS INTEGER) AS year,
        CAST(EXTRACT(ISODOW FROM d.date_day) AS SMALLINT) AS iso_weekday,
        h.holiday_date IS NOT NULL AS is_holiday
    FROM days AS d
    LEFT JOIN (SELECT DISTINCT holiday_date FROM staging.stg_dvc__holiday) AS h ON h.holiday_date = d.date_day
)
SELECT
    f.date_day,
    f.year,
    f.iso_weekday,
    f.is_holiday,
    f.iso_weekday <= 5 AND NOT f.is_holiday AS is_working_day,
    CAST(
        SUM(CASE WHEN f.iso_weekday <= 5 AND NOT f.is_holiday THEN 1 ELSE 0 END)
            OVER (ORDER BY f.date_day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        AS INTEGER
    ) AS working_day_number,
    k.year IS NOT NULL AS calendar_known
FROM flagged AS f
LEFT JOIN known_years AS k ON k.year = f.year
