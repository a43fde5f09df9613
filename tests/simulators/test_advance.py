"""Moving time (sources.md §1.11): advance() serves the day's changes with versions at the wall clock."""

from datetime import datetime, timedelta

import requests

from simulators import Simulation, SimulatorServer
from simulators.clock import local_now, to_seconds


def by_key(simulation: Simulation, entity: str) -> dict[str, dict]:
    key_field = simulation.entity(entity).key_field
    return {record[key_field]: record for record in simulation.truth(entity)}


def without_version(record: dict) -> dict:
    return {field: value for field, value in record.items() if field != "NgayCapNhat"}


def test_advance_serves_the_changes_of_the_day_at_the_clock():
    simulation = Simulation(scale="small", year=2025, seed=0, as_of=datetime(2025, 6, 2, 0, 0))
    before = {entity: by_key(simulation, entity) for entity in ("ho-so", "danh-gia", "pakn")}
    clock_before = local_now().strftime("%Y%m%d%H%M%S")
    simulation.advance(days=1)
    assert simulation.as_of == datetime(2025, 6, 3, 0, 0)
    changed_total = 0
    for entity, earlier in before.items():
        later = by_key(simulation, entity)
        assert set(earlier) <= set(later)
        changed = {
            key
            for key in later
            if key not in earlier or without_version(later[key]) != without_version(earlier[key])
        }
        changed_total += len(changed)
        for key, record in later.items():
            if key in changed:
                assert record["NgayCapNhat"] >= clock_before, (entity, key)
            else:
                assert record["NgayCapNhat"] == earlier[key]["NgayCapNhat"], (entity, key)
    # A working day in June brings new and progressing dossiers (about ten are submitted a day).
    assert changed_total > 10


def test_a_window_from_the_old_as_of_finds_exactly_the_changed_records():
    simulation = Simulation(scale="small", year=2025, seed=0, as_of=datetime(2025, 3, 10, 12, 0))
    earlier = by_key(simulation, "ho-so")
    simulation.advance(days=0.5)
    order, versions = simulation.view("ho-so")
    after_old_as_of = versions > to_seconds(datetime(2025, 3, 10, 12, 0))
    moved = {simulation.entity("ho-so").keys[i] for i in order[after_old_as_of].tolist()}
    later = by_key(simulation, "ho-so")
    changed = {
        key
        for key in later
        if key not in earlier or without_version(later[key]) != without_version(earlier[key])
    }
    assert moved == changed and changed


def test_advance_stops_at_the_end_of_the_period():
    simulation = Simulation(scale="small", year=2025, seed=0, as_of=datetime(2025, 12, 31, 12, 0))
    simulation.advance(days=3)
    assert simulation.as_of == simulation.period_end
    assert simulation.period_end - datetime(2025, 12, 31, 12, 0) < timedelta(days=1)


def test_a_running_server_advances_on_request_and_writes_the_new_files(tmp_path):
    """The benchmark's simulator runs in another process; it is moved with `POST /_sim/advance?days=N`."""
    simulation = Simulation(scale="small", year=2025, seed=0, as_of=datetime(2025, 1, 30, 12, 0))
    simulation.write_files(tmp_path / "hr", tmp_path / "edxml")
    hr_before = {path.name for path in (tmp_path / "hr").iterdir()}
    with SimulatorServer(simulation, port=0) as server:
        refused = requests.post(f"{server.base_url}/_sim/advance?days=-1", timeout=10)
        assert refused.status_code == 400 and simulation.as_of == datetime(2025, 1, 30, 12, 0)
        answer = requests.post(f"{server.base_url}/_sim/advance?days=2", timeout=60)
    assert answer.status_code == 200
    assert answer.json() == {"as_of": "2025-02-01T12:00:00"}
    assert simulation.as_of == datetime(2025, 2, 1, 12, 0)
    # The January exports (YYYYMM 202501) appear once January has ended.
    new_files = {path.name for path in (tmp_path / "hr").iterdir()} - hr_before
    assert new_files and all("202501" in name for name in new_files), sorted(new_files)
