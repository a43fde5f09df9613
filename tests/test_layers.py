"""The layer rules of DESIGN.md hold in the tree: the import contracts of `[tool.importlinter]` in
pyproject.toml (only assets/ imports Dagster, etl/ no other layer, simulators/ nothing of the pipeline, the
neutral package no layer, ...) are all kept, so the suite fails on the first import that breaks one."""

import subprocess
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# In a process of its own: import-linter reconfigures logging, which silenced the loggers of later tests.
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def test_every_import_contract_is_kept():
    # lint_imports prints each contract with KEPT or BROKEN and the offending import chains; 0 means all kept.
    linted = subprocess.run(
        [sys.executable, "-c", LINT, str(PYPROJECT)], capture_output=True, text=True, cwd=PYPROJECT.parent
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
