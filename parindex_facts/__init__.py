"""Facts every layer of parindex may import: the metric catalogue, the defaults of the settings, and the
file helpers that more than one layer needs.

Pure data and the standard library only: this package imports no layer of the pipeline (the import contract
in pyproject.toml checks it), so `etl/`, `warehouse/`, `quality_checks/`, `scoring/`, `reports/` and
`assets/` can all take a fact from here instead of keeping a copy of it."""
