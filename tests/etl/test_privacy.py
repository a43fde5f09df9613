import hashlib
import hmac

import pytest

from etl.privacy import CBCCVC, PERSON, FieldPolicy, Privacy, clean_id_value

KEY = b"test-key"


def expected(domain: str, value: str) -> str:
    return hmac.new(KEY, f"{domain}:{value}".encode(), hashlib.sha256).hexdigest()


def test_hmac_of_domain_and_cleaned_value():
    pseudonymise = Privacy(KEY).pseudonymise
    assert pseudonymise(PERSON, "012000000001") == expected("person", "012000000001")
    # Whitespace anywhere is removed before hashing, so both spellings link.
    assert pseudonymise(PERSON, " 0120 0000\u00a00001 ") == expected("person", "012000000001")
    # Domains keep the same digits apart.
    assert pseudonymise(CBCCVC, "012000000001") == expected("cbccvc", "012000000001")
    assert len(pseudonymise(PERSON, "1")) == 64


def test_remembered_pseudonyms_are_the_same_as_computed_ones_and_stay_bounded():
    privacy = Privacy(KEY, remembered=3)
    values = ["012000000001", 12000000001, "12000000001", True, 1, 1.0, "012000000001", True]
    texts = ["012000000001", "012000000001", "12000000001", "True", "1", "1", "012000000001", "True"]
    for _ in range(2):  # the second round from what was remembered, then forgotten and computed again
        assert [privacy.pseudonymise(PERSON, value) for value in values] == [
            expected("person", text) for text in texts
        ]
        assert privacy.pseudonymise(CBCCVC, "012000000001") == expected("cbccvc", "012000000001")
    assert len(privacy._known) <= 3


def test_numeric_id_that_lost_its_leading_zero_is_padded():
    assert clean_id_value(12000000001) == "012000000001"
    assert clean_id_value(12000000001.0) == "012000000001"
    assert clean_id_value("12000000001") == "12000000001"  # text keeps what it says


def test_policy_applies_to_the_record_and_its_array_entries():
    policy = FieldPolicy(
        drop=frozenset({"HoTen"}),
        hash={"SoDinhDanh": PERSON},
        year_only=frozenset({"NgaySinh"}),
        sensitive=frozenset({"DanToc"}),
        arrays={"NguoiLienQuan": FieldPolicy(drop=frozenset({"DienThoai"}), hash={"SoHieu": CBCCVC})},
    )
    record = {
        "HoTen": "Lò Văn A",
        "SoDinhDanh": "012000000001",
        "NgaySinh": "05/03/1986",
        "DanToc": "Thái",
        "GioiTinh": "Nam",
        "NguoiLienQuan": [{"DienThoai": "0912", "SoHieu": "CB01", "VaiTro": "x"}],
    }
    privacy = Privacy(KEY)
    out = privacy.apply(record, policy)
    assert out == {
        "SoDinhDanh": expected("person", "012000000001"),
        "NgaySinh": 1986,
        "GioiTinh": "Nam",
        "NguoiLienQuan": [{"SoHieu": expected("cbccvc", "CB01"), "VaiTro": "x"}],
    }
    assert record["HoTen"] == "Lò Văn A"  # the input is left untouched
    assert privacy.sensitive_seen == {"DanToc"}


def test_absent_identifiers_stay_absent_and_a_key_is_required():
    out = Privacy(KEY).apply({"SoDinhDanh": ""}, FieldPolicy(hash={"SoDinhDanh": PERSON}))
    assert out == {"SoDinhDanh": ""}
    with pytest.raises(ValueError, match="PARINDEX_PSEUDONYM_KEY"):
        Privacy(b"")
