"""Quirks (sources.md §7) and their manifest (§1.11): every altered field is listed, nothing else differs."""

import unicodedata
from collections import Counter

import pytest

from simulators import Simulation
from simulators.simulation import ENTITIES, SOURCES

REQUIRED_QUIRKS = {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q12"}


def served(simulation: Simulation, entity: str) -> list[dict]:
    order, versions = simulation.view(entity)
    return simulation.render(entity, order.tolist(), versions.tolist())


def clean_key(record: dict, key_field: str) -> str:
    return unicodedata.normalize("NFC", str(record.get(key_field) or "")).strip()


@pytest.fixture(scope="module")
def manifest(simulation) -> list[dict]:
    return simulation.manifest()


@pytest.fixture(scope="module")
def served_and_truth(simulation) -> dict[str, tuple[dict, dict]]:
    """Per entity: served records and truth records by clean key."""
    pairs = {}
    for entity in ENTITIES:
        key_field = simulation.entity(entity).key_field
        truth = {r[key_field]: r for r in simulation.truth(entity)}
        pairs[entity] = ({clean_key(r, key_field): r for r in served(simulation, entity)}, truth)
    return pairs


def test_every_dvc_quirk_appears(manifest):
    assert {entry["quirk"] for entry in manifest} == REQUIRED_QUIRKS
    assert all(entry["source"] == "dvc" for entry in manifest)


def test_records_outside_the_manifest_are_served_exactly_as_the_truth(served_and_truth, manifest):
    altered = {(entry["entity"], entry["key"]) for entry in manifest}
    for entity, (served_records, truth) in served_and_truth.items():
        for key, record in truth.items():
            if (entity, key) not in altered:
                assert served_records[key] == record, (entity, key)


def test_each_manifest_field_really_differs_from_the_truth(served_and_truth, manifest):
    orphans = {(entry["entity"], entry["key"]) for entry in manifest if entry["quirk"] == "Q12"}
    for entry in manifest:
        served_records, truth = served_and_truth[entry["entity"]]
        if entry["key"] not in truth:
            # Orphans (Q12) are not in the truth; they may carry other quirks as well.
            assert (entry["entity"], entry["key"]) in orphans
            continue
        field = entry["field"].split("[")[0].split(".")[0]
        served_record = served_records[entry["key"]]
        assert served_record.get(field, "<missing>") != truth[entry["key"]][field], entry


def test_q6_dossiers_end_before_their_acceptance_when_served(served_and_truth, manifest):
    served_records, truth = served_and_truth["ho-so"]
    q6 = [entry for entry in manifest if entry["quirk"] == "Q6"]
    assert q6 and all(entry["field"] == "NgayKetThucXuLy" for entry in q6)
    for entry in q6:
        record = served_records[entry["key"]]
        assert str(record["NgayKetThucXuLy"]) < str(record["NgayTiepNhan"]).strip()
        assert truth[entry["key"]]["NgayKetThucXuLy"] >= truth[entry["key"]]["NgayTiepNhan"]


def test_q5_q7_q9_values(simulation, served_and_truth, manifest):
    old_code = {a["MaDinhDanh"]: a["MaDinhDanhCu"] for a in simulation.truth("don-vi")}
    short_code = {p["MaTTHC"]: p["MaTTHCNgan"] for p in simulation.truth("thu-tuc")}
    dossiers, truth = served_and_truth["ho-so"]
    by_quirk = Counter(entry["quirk"] for entry in manifest if entry["entity"] == "ho-so")
    for entry in manifest:
        if entry["entity"] != "ho-so" or entry["quirk"] not in ("Q5", "Q7", "Q9"):
            continue
        value = str(dossiers[entry["key"]][entry["field"]]).strip()
        clean = truth[entry["key"]][entry["field"]]
        if entry["quirk"] == "Q5":
            assert value == old_code[clean]
        elif entry["quirk"] == "Q7":
            assert value in ("0", "11", "interoperating")
        else:
            assert value == short_code[clean]
    # Q5 touches about 15 % of the dossiers' agency references.
    assert 0.1 <= by_quirk["Q5"] / len(truth) <= 0.2


def test_q12_children_point_to_dossiers_never_served(simulation, manifest):
    dossier_codes = {d["MaHoSo"] for d in simulation.truth("ho-so")}
    orphans = [entry for entry in manifest if entry["quirk"] == "Q12"]
    assert {entry["entity"] for entry in orphans} == {"phieu-xin-loi", "danh-gia"}
    served_apologies = {a["Id"].strip(): a for a in served(simulation, "phieu-xin-loi")}
    for entry in orphans:
        if entry["entity"] == "danh-gia":
            assert entry["key"] not in dossier_codes
        else:
            assert served_apologies[entry["key"]]["MaHoSo"].strip() not in dossier_codes
    # Orphans are served but are not part of the truth.
    truth_ratings = {r["MaHoSo"] for r in simulation.truth("danh-gia")}
    assert not truth_ratings & {entry["key"] for entry in orphans}


def test_manifest_written_as_json_lines(simulation, manifest, tmp_path):
    path = tmp_path / "out" / "quirk_manifest.jsonl"
    simulation.write_manifest(path)
    lines = path.read_bytes().splitlines()
    # The file holds every source; manifest() alone gives DVC's entries, first.
    assert len(lines) == len(simulation.manifest(SOURCES))
    assert len(lines) > len(manifest)
    assert lines[0].startswith(b'{"source":"dvc","entity":')


def test_quirk_rates_can_be_switched_off():
    quiet = Simulation(
        scale="small", year=2025, seed=0, quirk_rates={quirk: 0.0 for quirk in REQUIRED_QUIRKS}
    )
    assert quiet.manifest() == []
    assert served(quiet, "ho-so") == quiet.truth("ho-so")


def test_unknown_quirk_ids_are_refused():
    with pytest.raises(ValueError, match="Q99"):
        Simulation(scale="small", year=2025, seed=0, quirk_rates={"Q99": 0.5})
