-- One row for the day :day, the date spine KPI dashboards join to.
-- Trino semantics: day_of_week is ISO (Monday = 1 ... Sunday = 7).
SELECT
    CAST(:day AS DATE) AS partition_date,
    year(CAST(:day AS DATE)) AS year,
    month(CAST(:day AS DATE)) AS month,
    week_of_year(CAST(:day AS DATE)) AS iso_week,
    day_of_week(CAST(:day AS DATE)) AS iso_day_of_week,
    day_of_week(CAST(:day AS DATE)) >= 6 AS is_weekend,
    CAST(date_trunc('week', CAST(:day AS DATE)) AS DATE) AS week_start_date
