"""Assembles the QLVB source of a simulation: the `documents` entity, its quirk plan and the edXML drop."""

import numpy as np

from simulators import json_quirks
from simulators.clock import NEVER
from simulators.dvc.agencies import Agency
from simulators.dvc.world import Entity
from simulators.qlvb.documents import COLUMN, Registers, generate_registers
from simulators.qlvb.drop import EdxmlDrop
from simulators.qlvb.records import SPEC, DocumentRenderer
from simulators.qlvb.requirements import plan_required
from simulators.sources import JsonSource
from simulators.workdays import HolidayCalendar

MIXED_CASE_KINDS = (4, 8, 15)  # indices of QyĐ, CTr and TTr in the configured types
# The quirks json_quirks.plan draws from every record unless given a pool.
UNIFORM_QUIRKS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q16")


def build_qlvb(
    agencies: list[Agency],
    preset: dict,
    year: int,
    period: tuple[int, int],
    calendar: HolidayCalendar,
    rates: dict[str, float],
    seed: int,
    streams: dict[str, np.random.Generator],
) -> tuple[JsonSource, DocumentRenderer, EdxmlDrop]:
    required = plan_required(agencies, year, calendar, streams["requirements"])
    registers = generate_registers(
        agencies, preset, year, period, calendar, rates, seed, streams["documents"], required
    )
    office = next(i for i, a in enumerate(agencies) if a.unit_type == "so-ban-nganh")
    renderer = DocumentRenderer(registers, agencies, office)
    entries = registers.entries
    entity = Entity(
        "documents",
        "id",
        True,
        entries.keys,
        entries.events,
        renderer.records,
        np.zeros(len(entries), dtype=bool),
        source="qlvb",
    )
    kinds = registers.messages.kind[entries.message]
    # Quirks touch the entries of the simulated period only: the departments' earlier documents (metrics.md
    # §12: autumn plans, decisions before the period) are outside every default extraction window.
    in_period = entries.events[:, COLUMN["created"]] >= period[0]
    pools = {quirk: np.flatnonzero(in_period) for quirk in UNIFORM_QUIRKS}
    eligible = {
        "documents": {
            **pools,
            "Q4-type": np.flatnonzero(np.isin(kinds, MIXED_CASE_KINDS) & in_period),
            "Q7": np.flatnonzero(entries.incoming & in_period),
        }
    }
    plan = json_quirks.plan(
        {"documents": len(entries)}, {"documents": SPEC}, eligible, rates, streams["quirks"]
    )
    source = JsonSource(
        name="qlvb",
        entities={"documents": entity},
        specs={"documents": SPEC},
        plan=plan,
        old_codes={a.code: a.old_code for a in agencies},
        natural_key={"documents": renderer.natural_key},
        marks=_marks,
        flagged={"documents": _changed(registers)},
    )
    return source, renderer, EdxmlDrop(renderer, agencies, rates, seed)


def _changed(registers: Registers) -> np.ndarray:
    m, entries = registers.messages, registers.entries
    changed = entries.events[:, [COLUMN["updated"], COLUMN["recalled"]]].min(axis=1) < NEVER
    return np.flatnonzero(changed | (m.replaces[entries.message] >= 0))


def _marks(entity: str, record: dict) -> list[tuple[str, str]]:
    return [("BussinessDocType", "Q10")] if record["BussinessDocType"] else []
