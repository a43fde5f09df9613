"""Fake source systems that play the real ones for the pipeline and the tests; they know only the contract."""

from simulators.http.server import SimulatorServer
from simulators.simulation import Simulation

__all__ = ["Simulation", "SimulatorServer"]
