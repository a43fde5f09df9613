"""The agency table configuration (sources.md §8) loaded into the warehouse, so that marts know every
assessed agency even when a source is not configured."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult

from assets.resources import PipelineSettings, WarehouseResource, warehouse_asset
from etl.agency_codes import load_agency_config
from etl.timeparse import parse_dvc_datetime
from warehouse import reference

AGENCY_CONFIG_KEY = AssetKey(["staging", "cfg_agency"])

# The configuration file has the columns of `don-vi` (sources.md §2.5).
_CONFIG_COLUMNS = {
    "agency_code": "MaDinhDanh",
    "old_code": "MaDinhDanhCu",
    "agency_name": "TenDonVi",
    "unit_type": "LoaiDonVi",
    "parent_code": "MaDonViCha",
}


def agency_config_rows(path: str | None) -> list[dict]:
    rows = []
    for line in load_agency_config(path):
        row = {column: (line.get(field) or "").strip() or None for column, field in _CONFIG_COLUMNS.items()}
        row["valid_from"] = parse_dvc_datetime(line.get("NgayHieuLuc"))
        row["valid_to"] = parse_dvc_datetime(line.get("NgayHetHieuLuc"))
        rows.append(row)
    return rows


@warehouse_asset(
    key=AGENCY_CONFIG_KEY,
    group_name="reference",
    description=(
        "The configured agency table (sources.md §8: canonical MaDinhDanh, old-format alias, unit type, "
        "validity). Checked against DVC don-vi; `PARINDEX_AGENCY_TABLE` points at a province's own file."
    ),
    kinds={"csv", "sql"},
)
def agency_config(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
) -> MaterializeResult:
    rows = agency_config_rows(settings.agency_table)
    loaded = reference.load_agency_config(warehouse.engine(), rows)
    return MaterializeResult(metadata={"row_count": loaded})
