"""Every agency's manual inputs of a year, read one file at a time, so that one agency's bad file costs only
that agency's manual criteria (they stay `missing` with the reason) and never the others' scores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from scoring.catalogue import Catalogue
from scoring.manual import ManualInputError, ManualInputs, load_manual_inputs

MANUAL_SUFFIXES = (".xlsx", ".csv")


class AgencyManualInputs(NamedTuple):
    inputs: dict[str, ManualInputs]  # agency code → its entries (empty when it has no file)
    errors: dict[str, str]  # agency code → why its file cannot be used, naming the file, row and field


def load_agencies_manual_inputs(
    directory: Path, year: int, agency_codes: Iterable[str], catalogues: Sequence[Catalogue]
) -> AgencyManualInputs:
    inputs: dict[str, ManualInputs] = {}
    errors: dict[str, str] = {}
    for code in agency_codes:
        try:
            inputs[code] = load_manual_inputs(directory, year, code, catalogues)
        except ManualInputError as error:
            errors[code] = str(error)
    return AgencyManualInputs(inputs, errors)


def agencies_with_files(directory: Path, year: int) -> list[str]:
    """The agency codes that name a manual-input file of the year (the file names without suffix)."""
    folder = directory / str(year)
    if not folder.is_dir():
        return []
    return sorted(
        {
            path.name[: -len(path.suffix)]
            for path in folder.iterdir()
            if path.suffix in MANUAL_SUFFIXES and path.is_file()
        }
    )
