import unicodedata

import pytest

from tests.warehouse.conftest import rows
from warehouse.models import build_order, model_sql, run_models
from warehouse.reference import load_agency_config
from warehouse.schema import metadata

# Columns of class R (free text that may name people, sources.md §1.9): never in marts.
CLASS_R_COLUMNS = {"summary", "comment", "title"}


def test_every_model_states_its_grain_in_nfc_text():
    for name, sql in model_sql().items():
        assert sql.startswith("-- grain: "), name
        assert sql == unicodedata.normalize("NFC", sql), name  # literals compare with NFC staging text


def test_build_order_puts_every_model_after_what_it_reads():
    order = build_order(model_sql())
    assert (
        order.index("fct_dossier") < order.index("dd_dvc_on_time_rate") < order.index("dd_dvc_apology_rate")
    )
    assert order.index("dim_date") < order.index("fct_feedback") < order.index("dd_dvc_pakn_on_time_rate")


def test_build_order_ignores_references_in_comments():
    models = {"a": "-- grain: reads marts.b only in this comment\nSELECT 1", "b": "SELECT * FROM marts.a"}
    assert build_order(models) == ["a", "b"]


def test_a_table_model_needs_its_ddl(tmp_path, monkeypatch, engine):
    (tmp_path / "fct_unknown.sql").write_text("-- grain: none\nSELECT 1 AS x\n")
    monkeypatch.setattr("warehouse.models.MODELS_DIR", tmp_path)
    with pytest.raises(ValueError, match="fct_unknown"):
        run_models(engine)


def test_model_sql_may_hold_percent_signs_and_colons(tmp_path, monkeypatch, engine):
    (tmp_path / "dd_codes.sql").write_text(
        "-- grain: one row per configured agency code of the province\n"
        "SELECT agency_code, '12:30' AS clock FROM staging.cfg_agency WHERE agency_code LIKE 'H35%'\n"
    )
    monkeypatch.setattr("warehouse.models.MODELS_DIR", tmp_path)
    load_agency_config(engine, [{"agency_code": "H35.01"}, {"agency_code": "H49.01"}])
    assert run_models(engine) == ["dd_codes"]
    assert rows(engine, "SELECT agency_code, clock FROM marts.dd_codes") == [("H35.01", "12:30")]


def test_marts_carry_no_class_r_text(engine):
    run_models(engine)
    mart_columns = {
        (table.name, column.name)
        for table in metadata.tables.values()
        if table.schema == "marts"
        for column in table.columns
    }
    view_columns = set(
        rows(
            engine,
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'marts' AND table_name LIKE 'dd%'",
        )
    )
    views = {table for table, _ in view_columns}
    # 24 DVC metrics (10 of metrics.md §1, 14 of §11.1) and the quarantine count; the other sources' views
    # are checked by their own tests.
    assert len({v for v in views if v.startswith("dd_dvc_")} | {"dd_quarantine_count"} & views) == 25
    assert not {column for _, column in mart_columns | view_columns} & CLASS_R_COLUMNS
