"""Text defects shared by every simulated source (sources.md §7 Q2–Q4), and the per-record quirk plan."""

import unicodedata

import numpy as np

SPACES = (" {}", "{} ", "\u00a0{}", "{}\n", "  {}  ")


def padded(value: str, salt: int) -> str:
    """The value with outer whitespace of one of several kinds (Q3)."""
    return SPACES[salt % len(SPACES)].format(value)


def case_variant(value: str) -> str | None:
    """Another letter case of the value (Q4), or None when every variant is the same text."""
    for variant in (value.capitalize(), value.lower(), value.upper(), value.title()):
        if variant != value:
            return variant
    return None


def decompose(container, prefix: str = "") -> list[str]:
    """Turns every string inside a record into NFD (Q2); returns the paths that changed."""
    altered = []
    items = container.items() if isinstance(container, dict) else enumerate(container)
    for name, value in list(items):
        path = f"{prefix}[{name}]" if isinstance(container, list) else f"{prefix}.{name}" if prefix else name
        if isinstance(value, str):
            decomposed = unicodedata.normalize("NFD", value)
            if decomposed != value:
                container[name] = decomposed
                altered.append(path)
        elif isinstance(value, dict | list):
            altered.extend(decompose(value, path))
    return altered


class QuirkPlan:
    """Per entity, sorted arrays of (record index, quirk, salt): compact even for millions of records."""

    def __init__(self, order: tuple[str, ...]):
        self.order = order
        self._parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def add(self, entity: str, indices: np.ndarray, quirk: str, salts: np.ndarray) -> None:
        codes = np.full(len(indices), self.order.index(quirk), dtype=np.int8)
        self._parts.setdefault(entity, []).append((indices.astype(np.int64), codes, salts.astype(np.int64)))

    def freeze(self) -> "QuirkPlan":
        for entity, parts in self._parts.items():
            indices, codes, salts = (np.concatenate(column) for column in zip(*parts, strict=True))
            # Sorted by record, then in the order quirks apply.
            order = np.lexsort((codes, indices))
            self._arrays[entity] = (indices[order], codes[order], salts[order])
        self._parts.clear()
        return self

    def planned(self, entity: str) -> np.ndarray:
        """The indices of the records of an entity that have at least one quirk."""
        indices = self._arrays.get(entity, (np.empty(0, dtype=np.int64),))[0]
        return np.unique(indices)

    def for_records(self, entity: str, indices: list[int]) -> dict[int, list[tuple[str, int]]]:
        """The quirks of those records that have any: {index: [(quirk, salt), ...]} in application order."""
        if entity not in self._arrays:
            return {}
        planned, codes, salts = self._arrays[entity]
        wanted = np.asarray(indices, dtype=np.int64)
        starts = np.searchsorted(planned, wanted, "left")
        stops = np.searchsorted(planned, wanted, "right")
        return {
            index: [
                (self.order[code], salt)
                for code, salt in zip(codes[start:stop].tolist(), salts[start:stop].tolist(), strict=True)
            ]
            for index, start, stop in zip(indices, starts.tolist(), stops.tolist(), strict=True)
            if stop > start
        }
