import unicodedata

import pytest

from etl.text import CanonicalValues, clean_code, clean_free_text, clean_identifier

NFC_HAI_LONG = "Hài lòng"
NFD_HAI_LONG = unicodedata.normalize("NFD", NFC_HAI_LONG)


def test_nfd_input_becomes_nfc_for_every_kind():
    assert NFD_HAI_LONG != NFC_HAI_LONG  # the fixture really is decomposed
    assert clean_code(NFD_HAI_LONG) == NFC_HAI_LONG
    assert clean_identifier(NFD_HAI_LONG) == NFC_HAI_LONG
    assert clean_free_text(NFD_HAI_LONG) == NFC_HAI_LONG


def test_code_cleaning_collapses_nbsp_line_breaks_and_runs():
    assert clean_code("\u00a0Đang\u00a0 xử\n\r lý  ") == "Đang xử lý"


def test_identifier_trims_but_keeps_internal_spaces():
    assert clean_identifier(" H35.51-250314-0007\u00a0\n") == "H35.51-250314-0007"
    assert clean_identifier(" A  B ") == "A  B"


def test_free_text_is_only_trimmed():
    assert clean_free_text("  Đăng ký  khai sinh\n") == "Đăng ký  khai sinh"


def test_canonical_match_is_case_insensitive_and_returns_the_canonical_spelling():
    ratings = CanonicalValues(["RẤT HÀI LÒNG", "HÀI LÒNG", "KHÔNG HÀI LÒNG"])
    assert ratings.match(NFD_HAI_LONG) == "HÀI LÒNG"
    assert ratings.match(" rất  hài lòng ") == "RẤT HÀI LÒNG"
    assert ratings.match("Bình thường") is None
    assert "hài lòng" in ratings


def test_aliases_map_vendor_values_and_must_target_a_canonical_value():
    status = CanonicalValues(["1", "2"], aliases={"interoperating": "2"})
    assert status.match("INTEROPERATING") == "2"
    with pytest.raises(ValueError, match="not a canonical value"):
        CanonicalValues(["1"], aliases={"x": "9"})
