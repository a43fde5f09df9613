"""What QLVB normalisation needs from the caller: pseudonym key, agency table, code mappings."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.timeparse import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class QlvbContext:
    pseudonym_key: bytes = field(repr=False)
    agencies: AgencyResolver
    codes: CodeMappings
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
