"""The layer rules of DESIGN.md hold in the tree: the import contracts of `[tool.importlinter]` in
pyproject.toml (only assets/ imports Dagster, etl/ no other layer, simulators/ nothing of the pipeline, the
neutral package no layer, ...) are all kept, so the suite fails on the first import that breaks one."""

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_every_import_contract_is_kept():
    # lint_imports prints each contract with KEPT or BROKEN and the offending import chains; 0 means all kept.
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0
