"""Frames in the two shapes a suite may receive: typed with pandas 3 dtypes, and as
`warehouse.reading.iter_batches` builds them (`DataFrame.from_records` over driver values, dtypes inferred:
`object` for dates, decimals and nullable booleans, `float64` for nullable integers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd


def typed(rows: Sequence[Mapping[str, Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    return frame.astype({column: dtype for column, dtype in dtypes.items() if column in frame.columns})


def from_records(rows: Sequence[Mapping[str, Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    return pd.DataFrame.from_records([tuple(row.get(c) for c in columns) for row in rows], columns=columns)


BUILDERS = {"typed": typed, "from_records": from_records}
