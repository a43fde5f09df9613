"""Per-deployment mapping of vendor enumeration values to the contract's canonical values (sources.md §10)."""

from collections.abc import Mapping
from pathlib import Path

import yaml

from etl.text import CanonicalValues

DEFAULT_PATH = Path(__file__).parent / "reference" / "code_mappings.yaml"


class CodeMappings:
    """The enumerations of one source, each a ``CanonicalValues`` lookup."""

    def __init__(self, enumerations: Mapping[str, CanonicalValues]):
        self._enumerations = dict(enumerations)

    @classmethod
    def from_config(cls, config: Mapping, source: str) -> "CodeMappings":
        section = config.get(source)
        if not isinstance(section, Mapping):
            raise ValueError(f"code mappings have no section {source!r}")
        enumerations = {}
        for name, entry in section.items():
            values = entry.get("values") if isinstance(entry, Mapping) else None
            if not values:
                raise ValueError(f"code mapping {source}.{name} lists no values")
            enumerations[name] = CanonicalValues([str(v) for v in values], entry.get("aliases") or {})
        return cls(enumerations)

    @classmethod
    def load(cls, source: str, path: str | Path | None = None) -> "CodeMappings":
        """Reads the mapping file (default: the one shipped in ``etl/reference``)."""
        with open(path or DEFAULT_PATH, encoding="utf-8") as handle:
            return cls.from_config(yaml.safe_load(handle) or {}, source)

    def __getitem__(self, name: str) -> CanonicalValues:
        try:
            return self._enumerations[name]
        except KeyError:
            raise KeyError(f"no code mapping named {name!r}") from None
