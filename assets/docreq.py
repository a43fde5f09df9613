"""The document requirements of the run's catalogues (metrics.md §7) handed to the warehouse as plain values,
before the year's metrics are computed."""

from assets import settings
from scoring.catalogue import run_inspection_parameters, run_requirements
from scoring.requirements import resolve
from warehouse.docreq import ItemSpec, inspection_item, set_document_requirements


def declare_document_requirements(engine, year: int) -> int:
    """Writes the items of every requirement of `PARINDEX_CATALOGUE`'s catalogues for `year`, and the
    inspection parameters of §7.7 when a catalogue gives them; returns the number of items."""
    catalogues = settings.catalogues()
    items = [
        ItemSpec(**item)
        for requirement in run_requirements(catalogues)
        for item in resolve(requirement, year)
    ]
    inspection = run_inspection_parameters(catalogues)
    if inspection is not None:
        items.append(inspection_item(**inspection._asdict()))
    set_document_requirements(engine, year, items)
    return len(items)
