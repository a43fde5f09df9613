"""The data dictionary (issues 5 and 10): generated from the catalog of a migrated and modelled warehouse,
every column of every mart and view says what it means, and the committed `docs/data_dictionary.md` is the
one generated now (the test fails when they drift)."""

from pathlib import Path

import pytest

from warehouse import dictionary

DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md"


@pytest.fixture(scope="module")
def relations():
    return dictionary.modelled_warehouse_relations()


def test_every_column_of_the_marts_views_and_quarantine_has_a_meaning(relations):
    assert dictionary.uncommented_columns(relations) == []


def test_the_committed_dictionary_is_up_to_date(relations):
    assert DICTIONARY.read_text(encoding="utf-8") == dictionary.render(relations), (
        f"regenerate it: {dictionary.COMMAND}"
    )


def test_every_mart_and_view_is_listed_and_the_analysts_questions_answered(relations):
    text = dictionary.render(relations)
    marts = {name for schema, name in relations if schema == "marts"}
    assert {"catalogue_leaf", "dd_quarantine_count", "metric_value", "dd_dvc_on_time_rate"} <= marts
    for name in marts:
        assert f"### `marts.{name}`" in text, name
    assert "## Rejected records: `quarantine.rejected_record` (not in the read copy)" in text
    assert "holds the\n  schema `marts` only" in text
    value_row = next(line for line in text.splitlines() if line.startswith("| `value` | DECIMAL(18,4) |"))
    # The two metrics whose value is not k/n, in code order (metrics.md §1, §11.1).
    assert "**Not numerator ÷ denominator** for dvc.avg_processing_days: days: " in value_row
    assert "; dvc.satisfaction_rate: max(0, " in value_row


def test_a_view_columns_meaning_comes_from_the_comment_ending_its_line():
    sql = (
        "-- grain: one row per thing\n"
        "SELECT\n"
        "    t.code,  -- the thing's code\n"
        "    COUNT(*) AS n  -- things counted\n"
        "FROM marts.t AS t  -- the select list ended above\n"
    )
    assert dictionary.selected_column_comments(sql) == {
        "code": "the thing's code",
        "n": "things counted",
    }
