"""Typed DataFrames shaped like what `warehouse.reading.iter_batches` yields (pandas 3 dtypes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd


def typed(rows: Sequence[Mapping[str, Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    return frame.astype({column: dtype for column, dtype in dtypes.items() if column in frame.columns})
