import pytest

from simulators import Simulation

YEAR = 2025


@pytest.fixture(scope="session")
def simulation() -> Simulation:
    """The shared `small` simulation, as of the end of the period (the default for a past year)."""
    return Simulation(scale="small", year=YEAR, seed=0)
