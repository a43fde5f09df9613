"""What DVC normalisation needs from the caller: the pseudonym key and the reference data."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.text import clean_identifier
from etl.timeparse import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class ProcedureCodes:
    """Full procedure codes (``thu-tuc.MaTTHC``) and the national short codes that map to them (Q9)."""

    full: frozenset[str] = frozenset()
    short_to_full: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, object]],
        code_field: str = "MaTTHC",
        short_field: str = "MaTTHCNgan",
    ) -> "ProcedureCodes":
        """From ``thu-tuc`` records, or staging rows naming their columns (``procedure_code``, ...)."""
        full: set[str] = set()
        short_to_full: dict[str, str] = {}
        for row in rows:
            code, short = row.get(code_field), row.get(short_field)
            if not isinstance(code, str) or not code.strip():
                continue
            full.add(clean_identifier(code))
            if isinstance(short, str) and short.strip():
                short_to_full[clean_identifier(short)] = clean_identifier(code)
        return cls(frozenset(full), short_to_full)

    def resolve(self, code: str) -> str | None:
        if code in self.full:
            return code
        return self.short_to_full.get(code)


@dataclass(frozen=True)
class DvcContext:
    pseudonym_key: bytes = field(repr=False)
    agencies: AgencyResolver
    procedures: ProcedureCodes
    codes: CodeMappings
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
