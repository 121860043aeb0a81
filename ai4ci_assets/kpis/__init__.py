"""KPI assets: each runs one SQL file from sql/kpis/ for one day and lands it in the lake."""
