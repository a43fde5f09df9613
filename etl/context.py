"""What normalising a source's records needs from the caller: the pseudonym key and the reference data.
Each source's context (etl/<source>/context.py) is this, or this and what that source needs besides."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from parindex_facts.defaults import TIMEZONE


@dataclass(frozen=True)
class SourceContext:
    pseudonym_key: bytes = field(repr=False)
    agencies: AgencyResolver
    codes: CodeMappings
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(TIMEZONE))
