"""The data dictionary (issue 5): every column of every mart says what it means, and the committed
`docs/data_dictionary.md` is the one generated from the current definitions."""

from pathlib import Path

from warehouse import dictionary

DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md"


def test_every_marts_column_has_a_comment():
    assert dictionary.uncommented_columns() == []


def test_the_committed_dictionary_is_up_to_date():
    assert DICTIONARY.read_text(encoding="utf-8") == dictionary.render(), (
        "regenerate it: python -m warehouse.dictionary > docs/data_dictionary.md"
    )
