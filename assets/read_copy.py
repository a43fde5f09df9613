"""The read copy of a DuckDB warehouse (interface.md §4), published as the last step of every run however
it was launched: from the UI, the schedule, a sensor or a backfill, not only by `parindex run`. With a
provinces file and a central PostgreSQL warehouse, the same step publishes the province's marts into the
central marts (issue 16): analysts read only what a whole, successful run produced, in both cases."""

from collections.abc import Iterable

from dagster import AssetKey, AssetsDefinition, MaterializeResult

from assets.resources import PipelineSettings, WarehouseResource, warehouse_asset
from warehouse.publish import publish_read_copy

READ_COPY_KEY = AssetKey(["warehouse", "read_copy"])


def terminal_keys(definitions: Iterable[AssetsDefinition]) -> list[AssetKey]:
    """The assets of `definitions` that no other of them depends on (the exports): every other asset is
    upstream of one of them."""
    definitions = list(definitions)
    upstream = {dep.asset_key for definition in definitions for spec in definition.specs for dep in spec.deps}
    return [key for definition in definitions for key in definition.keys if key not in upstream]


def read_copy_asset(pipeline: Iterable[AssetsDefinition]) -> AssetsDefinition:
    """The publishing asset, after the terminal assets of `pipeline`, so after every asset of it: it must
    come last. Depending on the terminal assets alone keeps its edges out of the other groups' graphs."""

    @warehouse_asset(
        key=READ_COPY_KEY,
        group_name="read_copy",
        deps=terminal_keys(pipeline),
        description=(
            "`warehouse.read.duckdb` beside a DuckDB warehouse file: the `marts` of the warehouse after "
            "the run's writes (raw, staging and quarantine stay in the pipeline's file), replaced "
            "atomically, mode 0640 with the group PARINDEX_ANALYST_GROUP, for analysts, the webserver and "
            "sensors, which must never open the file a run writes. Nothing to copy on PostgreSQL; there, "
            "with a provinces file, the province's `marts` replace its rows of the central warehouse's "
            "`marts` (one transaction, other provinces' rows untouched)."
        ),
        kinds={"duckdb"},
    )
    def read_copy(warehouse: WarehouseResource, settings: PipelineSettings) -> MaterializeResult:
        path = publish_read_copy(warehouse.url, analyst_group=settings.analyst_group)
        metadata = {"path": str(path) if path else "PostgreSQL: no copy needed"}
        published = warehouse.publish_central()
        if published is not None:
            metadata["central_rows"] = sum(published.values())
            metadata["central_relations"] = len(published)
        return MaterializeResult(metadata=metadata)

    return read_copy
