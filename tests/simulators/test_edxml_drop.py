"""The edXML file drop (sources.md §3.7–3.8, §6, Q10/Q17). Packages are read with defusedxml only, which
refuses DTDs and entities without resolving anything; hostile files are checked as bytes."""

import re

import pytest
from defusedxml import DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import fromstring

from simulators import Simulation

NS = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"
NAME = re.compile(r"^\d{14}_\d{6}\.edxml$")


@pytest.fixture(scope="module")
def simulation():
    """Its own: writing files names the folders in the simulation, which the shared one must not."""
    return Simulation(scale="small", year=2025, seed=0)


@pytest.fixture(scope="module")
def drop(tmp_path_factory, simulation):
    folder = tmp_path_factory.mktemp("edxml")
    simulation.write_files(tmp_path_factory.mktemp("hr"), folder)
    return folder


def header(data: bytes) -> dict:
    root = fromstring(data, forbid_dtd=True)
    message = root.find(f"{NS}edXMLEnvelope/{NS}edXMLHeader/{NS}MessageHeader")
    business = root.find(f"{NS}edXMLEnvelope/{NS}edXMLHeader/{NS}TraceHeaderList/{NS}Bussiness")
    return {
        "DocumentId": message.findtext(f"{NS}DocumentId"),
        "To": [organ.findtext(f"{NS}OrganId") for organ in message.findall(f"{NS}To")],
        "BussinessDocType": business.findtext(f"{NS}BussinessDocType"),
    }


def test_files_are_named_by_arrival_and_sequence_and_nothing_is_left_partial(drop):
    names = sorted(path.name for path in drop.iterdir())
    assert names and all(NAME.match(name) for name in names)
    # §9 small: 100 files a year, 13/12 of that for the period.
    assert 95 <= len(names) <= 125
    sequences = [int(name[15:21]) for name in names]
    assert len(set(sequences)) == len(sequences)


def test_about_half_of_the_packages_are_also_api_entries(drop, simulation):
    api = {
        (r["MaDonViQuanLy"], r["DocumentId"])
        for r in simulation.truth("documents")
        if r["id"] and r["direction"] == "den"
    }
    new_documents = [header(path.read_bytes()) for path in drop.iterdir()]
    new_documents = [h for h in new_documents if h["BussinessDocType"] == "0"]
    codes = {a["MaDinhDanh"]: a["MaDinhDanh"] for a in simulation.truth("don-vi")}
    codes |= {a["MaDinhDanhCu"]: a["MaDinhDanh"] for a in simulation.truth("don-vi")}
    both = [
        h for h in new_documents if any((codes.get(to), h["DocumentId"].strip()) in api for to in h["To"])
    ]
    assert 0.35 <= len(both) / len(new_documents) <= 0.65


def test_recalls_and_updates_arrive_as_separate_packages_and_some_recall_nothing(drop, simulation):
    headers = [header(path.read_bytes()) for path in drop.iterdir()]
    changes = [h for h in headers if h["BussinessDocType"] in ("1", "2")]
    assert {h["BussinessDocType"] for h in changes} == {"1", "2"}
    known = {h["DocumentId"].strip() for h in headers if h["BussinessDocType"] == "0"}
    known |= {r["DocumentId"] for r in simulation.truth("documents")}
    orphans = [h for h in changes if h["DocumentId"].strip() not in known]
    assert orphans and all(h["BussinessDocType"] == "1" for h in orphans)
    manifest = [e for e in simulation.manifest(("qlvb",)) if e["entity"] == "edxml"]
    assert {e["key"].split("|")[2] for e in manifest if e["quirk"] == "Q10"} >= {
        h["DocumentId"] for h in orphans
    }


def test_file_only_documents_are_in_the_truth_without_an_id(simulation):
    only = [r for r in simulation.truth("documents") if r["id"] is None]
    assert only
    assert all(r["direction"] == "den" and r["XuLy"] == [] and r["ChuKySo"] is None for r in only)
    assert all(r["LienThong"] == "trục VDXP" and r["SoDen"] is None for r in only)


def test_same_seed_same_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        Simulation(scale="small", year=2025, seed=5).write_files(tmp_path / "hr", folder)
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()


def test_fault_files_are_extra_and_really_hostile_or_malformed(tmp_path, simulation):
    clean, faulty = tmp_path / "clean", tmp_path / "faulty"
    simulation.write_files(tmp_path / "hr1", clean)
    simulation.write_files(tmp_path / "hr2", faulty, faults=0.05)
    clean_names = {p.name for p in clean.iterdir()}
    extra = sorted(p for p in faulty.iterdir() if p.name not in clean_names)
    assert {p.name for p in faulty.iterdir()} >= clean_names
    # ⌊0.05 × N⌋ files, and at least one of each of the seven variants.
    assert len(extra) == max(int(0.05 * len(clean_names)), 7)
    contents = [p.read_bytes() for p in extra]
    local = [c for c in contents if b'SYSTEM "file:///etc/passwd"' in c and b"&xxe;" in c]
    remote = [c for c in contents if b'<!ENTITY xxe SYSTEM "http://' in c and b"&xxe;" in c]
    bomb = [c for c in contents if b'<!ENTITY lol9 "' in c and b"&lol9;" in c]
    external_dtd = [c for c in contents if re.search(rb'<!DOCTYPE edXML SYSTEM "http://', c)]
    for hostile in (local, remote, bomb):
        assert hostile
        with pytest.raises((DTDForbidden, EntitiesForbidden)):
            fromstring(hostile[0], forbid_dtd=True)
    assert external_dtd
    with pytest.raises(DTDForbidden):
        fromstring(external_dtd[0], forbid_dtd=True)
    not_xml = [c for c in contents if c.startswith(b"%PDF")]
    assert not_xml
    parsed = [c for c in contents if c.startswith(b"<?xml") and b"<!DOCTYPE" not in c]
    truncated = [c for c in parsed if not c.rstrip().endswith(b"</edXML>")]
    missing_id = [c for c in parsed if c.rstrip().endswith(b"</edXML>") and b"<edXML:DocumentId>" not in c]
    assert truncated and missing_id
    # Fault files name documents that exist nowhere else.
    known = {r["DocumentId"] for r in simulation.truth("documents")}
    assert header(missing_id[0])["DocumentId"] is None
    for content in contents:
        for found in re.findall(rb"<edXML:DocumentId>([^<]*)</edXML:DocumentId>", content):
            assert found.decode() not in known
