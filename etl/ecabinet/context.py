"""What E-CABINET normalisation needs from the caller: the pseudonym key and the reference data."""

from etl.context import SourceContext

EcabinetContext = SourceContext
