"""The unit etl hands to the warehouse (docs/layers.md §2)."""

from typing import NamedTuple

import pyarrow as pa


class ExtractBatch(NamedTuple):
    source: str  # "dvc"
    entity: str  # the contract's resource name: "ho-so", "phieu-xin-loi", ...
    raw: pa.Table  # one row per received record
    rows: pa.Table  # one row per record that passed normalisation (typed, for staging)
    quarantine: pa.Table  # one row per rejected record or array entry
    # Array entries for child staging tables, by table name; each row has `_parent_key` and
    # `_parent_fetch_seq` (the parent row's `_key` and `_fetch_seq`).
    children: dict[str, pa.Table] = {}
