"""A simulated JSON source (QLVB, E-CABINET) as the Simulation sees it: its entities and their quirks."""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulators import json_quirks
from simulators.dvc.world import Entity
from simulators.json_quirks import JsonSpec
from simulators.textquirks import QuirkPlan


@dataclass
class JsonSource:
    name: str  # "qlvb", "ecabinet": the manifest's `source`
    entities: dict[str, Entity]
    specs: dict[str, JsonSpec]
    plan: QuirkPlan
    old_codes: dict[str, str]
    natural_key: dict[str, Callable[[dict], str]]  # manifest key of a clean record, per entity
    # Quirks that are part of the data itself (Q10 recalls, Q11 cancellations), read off a clean record;
    # `flagged` lists, per entity, the records that may carry one.
    marks: Callable[[str, dict], list[tuple[str, str]]] = lambda entity, record: []
    flagged: dict[str, np.ndarray] = field(default_factory=dict)

    def apply(self, entity: str, record: dict, entries: list[tuple[str, int]]) -> list[tuple[str, str]]:
        return json_quirks.apply(record, self.specs[entity], entries, self.old_codes)

    def touched(self, entity: str) -> np.ndarray:
        """Indices of the records that the manifest may name."""
        planned = self.plan.planned(entity)
        return np.union1d(planned, self.flagged.get(entity, np.empty(0, dtype=np.int64)))
