"""`parindex simulate --province CODE` (issue 16): each simulated province has its own agency codes and
names, and several simulators serve side by side on their own ports."""

import contextlib
import csv

import pytest

from simulators.process import SimulatorProcess, new_credentials

YEAR = 2025


def agency_table(folder):
    with (folder / "agencies.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory):
    """Two simulators at once, each on its own free port, for two province codes."""
    folders = {code: tmp_path_factory.mktemp(f"sim_{code}") for code in ("K07", "T12")}
    with contextlib.ExitStack() as stack:
        for code, folder in folders.items():
            province = ("--province", code)
            stack.enter_context(
                SimulatorProcess("small", YEAR, folder, new_credentials(code), extra_args=province)
            )
        yield {code: agency_table(folder) for code, folder in folders.items()}


def test_two_provinces_have_disjoint_agency_codes(two_provinces):
    codes = {code: {row["MaDinhDanh"] for row in rows} for code, rows in two_provinces.items()}
    assert codes["K07"].isdisjoint(codes["T12"])
    for province, province_codes in codes.items():
        # The province row itself, its departments CODE.01 …, and their divisions, all under the code
        # (the old-format aliases end in it: 000.00.01.CODE, sources.md §2.5).
        assert f"{province}.01" in province_codes
        assert all(code == province or code.startswith(f"{province}.") for code in province_codes)
        assert all(row["MaDinhDanhCu"].endswith(f".{province}") for row in two_provinces[province])


def test_two_provinces_have_their_own_names(two_provinces):
    names = {
        code: {row["TenDonVi"] for row in rows if row["LoaiDonVi"] == "ubnd-tinh"}
        for code, rows in two_provinces.items()
    }
    assert names["K07"] != names["T12"]
    assert all(
        "Lai Châu" not in name for rows in two_provinces.values() for name in (r["TenDonVi"] for r in rows)
    )
