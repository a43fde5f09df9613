"""What E-CABINET normalisation needs from the caller: the pseudonym key and the reference data."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.timeparse import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class EcabinetContext:
    pseudonym_key: bytes = field(repr=False)
    agencies: AgencyResolver
    codes: CodeMappings
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
