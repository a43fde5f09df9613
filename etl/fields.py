"""Field constructors the JSON sources share (DVC, E-CABINET): the same converter for a field of a given
kind, whichever source it comes from. Each source's builder adds the kinds whose wire format is its own
(date-times, flags)."""

from etl import convert
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.normalise import Field


class FieldBuilder:
    """Bound to one context's code mappings and agency table."""

    def __init__(self, codes: CodeMappings, agencies: AgencyResolver):
        self.codes = codes
        self.agency_convert = convert.agency(agencies)

    def text(self, name, column, required=False) -> Field:
        return Field(name, column, convert.identifier, required=required)

    def free(self, name, column, required=False) -> Field:
        return Field(name, column, convert.free_text, required=required)

    def enum(self, name, column, mapping, required=True) -> Field:
        return Field(name, column, convert.enumeration(self.codes[mapping]), required=required)

    def agency(self, name, column, required=True) -> Field:
        return Field(name, column, self.agency_convert, required=required)
