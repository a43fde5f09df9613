"""Loads the simulator's configuration files (simulators/config/*.yaml)."""

from functools import cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).parent / "config"


@cache
def load(name: str) -> dict:
    with (CONFIG_DIR / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
