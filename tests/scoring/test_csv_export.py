import csv
from datetime import date
from decimal import Decimal

from scoring.csv_export import METRICS_COLUMNS, write_metrics_csv, write_scorecard_csv
from scoring.scorecard import SCORECARD_COLUMNS


def test_metrics_csv_has_bom_header_and_empty_nulls(tmp_path):
    path = tmp_path / "2025" / "metrics.csv"
    rows = [
        # 2/3 = 0.666666… is written half-up to 4 places: 0.6667
        {
            "agency_code": "H35.01",
            "year": 2025,
            "period_start": date(2025, 1, 1),
            "period_end": date(2025, 12, 31),
            "metric_code": "dvc.on_time_rate",
            "numerator": 2,
            "denominator": 3,
            "value": Decimal("0.66666"),
        },
        # an agency without DVC data: all three empty (metrics.md §0)
        {
            "agency_code": "H35.02",
            "year": 2025,
            "period_start": date(2025, 1, 1),
            "period_end": date(2025, 12, 31),
            "metric_code": "dvc.on_time_rate",
            "numerator": None,
            "denominator": None,
            "value": None,
        },
    ]

    assert write_metrics_csv(path, rows) == 2

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(METRICS_COLUMNS)
    assert lines[1] == "H35.01,2025,2025-01-01,2025-12-31,dvc.on_time_rate,2,3,0.6667"
    assert lines[2] == "H35.02,2025,2025-01-01,2025-12-31,dvc.on_time_rate,,,"


def test_half_up_not_bankers_rounding(tmp_path):
    path = tmp_path / "metrics.csv"
    row = {c: None for c in METRICS_COLUMNS} | {"value": Decimal("0.12345"), "numerator": 1.0}
    write_metrics_csv(path, [row])
    # 0.12345 rounds half-up to 0.1235 (banker's rounding would give 0.1234); 1.0 is written as 1
    assert path.read_text(encoding="utf-8-sig").splitlines()[1].endswith(",1,,0.1235")


def test_scorecard_csv_ends_with_the_explanation_columns_as_integers(tmp_path):
    path = tmp_path / "scorecard.csv"
    explanation = "Đạt 99,32% (146/147 văn bản điện tử); được 1,00/2,00 điểm (mức ≥ 90,00%)."
    # Counts read back through pandas arrive as floats, NaN for empty: written as integers and empty fields.
    row = {c: None for c in SCORECARD_COLUMNS} | {
        "explanation": explanation,
        "risk_down": 16.0,
        "gain_up": 19853,
        "fix_up": float("nan"),
    }
    write_scorecard_csv(path, [row])
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    # interface.md §3: explanation, risk_down, gain_up, fix_up are the last columns
    assert lines[0][-4:] == ["explanation", "risk_down", "gain_up", "fix_up"]
    assert lines[1][-4:] == [explanation, "16", "19853", ""]
