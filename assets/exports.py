"""Export files of interface.md §3 written from what the warehouse holds; used by the export assets and by
`parindex export`."""

from __future__ import annotations

import os
from pathlib import Path

from scoring.csv_export import METRICS_COLUMNS, write_metrics_csv
from warehouse import reading
from warehouse.engine import make_engine


def export_metrics_csv(engine, year: int, export_dir: str, agencies: list[str] | None = None) -> Path:
    path = Path(export_dir) / str(year) / "metrics.csv"
    wanted = set(agencies or ())
    rows = (
        row
        for frame in reading.iter_batches(
            engine,
            "marts.metric_value",
            METRICS_COLUMNS,
            order_by=["agency_code", "metric_code"],
            where={"year": year},
        )
        for row in frame.to_dict("records")
        if not wanted or row["agency_code"] in wanted
    )
    write_metrics_csv(path, rows)
    return path


def export_year(year: int, out: str | None = None) -> list[Path]:
    export_dir = out or os.environ.get("PARINDEX_EXPORT_DIR") or "exports"
    return [export_metrics_csv(make_engine(), year, export_dir)]
