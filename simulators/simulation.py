"""The simulated DVC system as of a moment: what it serves, its ground truth and its quirk manifest."""

import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson

from simulators.clock import DAY, from_seconds, local_now, to_seconds
from simulators.dvc.quirks import apply_quirks
from simulators.dvc.world import Entity, build_world

ENTITIES = ("thu-tuc", "don-vi", "ho-so", "phieu-xin-loi", "danh-gia", "pakn", "ngay-nghi")


class Simulation:
    """Deterministic from (scale, year, seed, as_of); see sources.md §1.11."""

    def __init__(
        self,
        scale: str = "small",
        year: int | None = None,
        seed: int = 0,
        as_of: datetime | None = None,
        quirk_rates: dict[str, float] | None = None,
    ):
        year = year if year is not None else local_now().year
        self.scale, self.year, self.seed = scale, year, seed
        self._world = build_world(scale, year, seed, quirk_rates)
        self.period_start = from_seconds(self._world.period[0])
        self.period_end = from_seconds(self._world.period[1])
        self._as_of = to_seconds(min(as_of or local_now(), self.period_end))
        self._lock = threading.RLock()
        # Versions set after generation: by advance() (the clock when a change became visible) or by the
        # page_shift fault; -1 where the record's own latest event is its version.
        self._moved = {
            name: np.full(len(e.keys), -1, dtype=np.int64) for name, e in self._world.entities.items()
        }
        self._views: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def as_of(self) -> datetime:
        return from_seconds(self._as_of)

    @property
    def as_of_seconds(self) -> int:
        return self._as_of

    def entity(self, name: str) -> Entity:
        return self._world.entities[name]

    def view(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The records served now, in the contract's order (G1), and their versions (int64 seconds)."""
        with self._lock:
            if name not in self._views:
                entity = self.entity(name)
                versions = np.where(
                    self._moved[name] >= 0, self._moved[name], self._latest_events(entity, self._as_of)
                )
                visible = np.flatnonzero(entity.events[:, 0] <= self._as_of)
                if entity.incremental:
                    order = visible[np.lexsort((entity.key_rank[visible], versions[visible]))]
                else:
                    order = visible[np.argsort(entity.key_rank[visible], kind="stable")]
                self._views[name] = (order, versions[order])
            return self._views[name]

    def render(
        self, name: str, indices: list[int], versions: list[int], with_quirks: bool = True
    ) -> list[dict]:
        """Records as served (quirks applied) or as a perfect system would serve them."""
        records = self.entity(name).render(indices, self._as_of, versions)
        if with_quirks:
            planned = self._world.plan.for_records(name, indices)
            for index, record in zip(indices, records, strict=True):
                if index in planned:
                    apply_quirks(name, record, planned[index], self._world.context)
        return records

    def truth(self, entity: str) -> list[dict]:
        order, versions = self.view(entity)
        shown = ~self.entity(entity).hidden[order]
        return self.render(entity, order[shown].tolist(), versions[shown].tolist(), with_quirks=False)

    def manifest(self) -> list[dict]:
        entries = []
        for name in ENTITIES:
            entity = self.entity(name)
            order, versions = self.view(name)
            touched = np.zeros(len(entity.keys), dtype=bool)
            touched[self._world.plan.planned(name)] = True
            touched |= entity.hidden
            served = touched[order]
            indices, served_versions = order[served].tolist(), versions[served].tolist()
            clean = self.render(name, indices, served_versions, with_quirks=False)
            planned = self._world.plan.for_records(name, indices)
            for index, record in zip(indices, clean, strict=True):
                key = record[entity.key_field]
                if entity.hidden[index]:
                    entries.append(_entry(name, key, "MaHoSo", "Q12"))
                for field, quirk in apply_quirks(name, record, planned.get(index, []), self._world.context):
                    entries.append(_entry(name, key, field, quirk))
        return entries

    def write_manifest(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            for entry in self.manifest():
                handle.write(orjson.dumps(entry) + b"\n")

    def advance(self, days: float = 1) -> None:
        """Moves as_of forward; records that change on the way get the wall clock as their version."""
        with self._lock:
            target = min(self._as_of + int(days * DAY), to_seconds(self.period_end))
            clock = to_seconds(local_now())
            for name, entity in self._world.entities.items():
                before = self._latest_events(entity, self._as_of)
                after = self._latest_events(entity, target)
                changed = after != before
                self._moved[name][changed] = np.maximum(after[changed], clock)
            self._as_of = target
            self._views.clear()

    def shift(self, name: str, indices: np.ndarray, version: int) -> None:
        """Gives records a new version without changing them (the page_shift fault, sources.md §6)."""
        with self._lock:
            self._moved[name][indices] = version
            self._views.pop(name, None)

    @staticmethod
    def _latest_events(entity: Entity, moment: int) -> np.ndarray:
        return np.where(entity.events <= moment, entity.events, -1).max(axis=1)


def _entry(entity: str, key: str, field: str, quirk: str) -> dict:
    return {"source": "dvc", "entity": entity, "key": key, "field": field, "quirk": quirk}
