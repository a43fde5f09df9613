"""Loads the simulator's configuration files (simulators/config/*.yaml) for the simulated province.

The files describe province H35 (Lai Châu). `parindex simulate --province CODE` simulates another province
(issue 16): every agency code in the files is re-coded from H35 to CODE (in both code formats, `H35.01` and
`000.00.01.H35`) and the place name "Lai Châu" is replaced by the province's own, so each simulated province
has its own agency codes and names, deterministically from its code. One simulator process simulates one
province, chosen once before anything is generated (`select_province`): the files are read from a score of
places during generation, which a process-wide choice reaches without threading it through every one."""

import re
from functools import cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).parent / "config"
# The province the configuration files are written for, and its place name.
DEFAULT_PROVINCE = "H35"
DEFAULT_PLACE = "Lai Châu"
PROVINCE_CODE = re.compile(r"^[A-Z][0-9]{2}$")

_selected = DEFAULT_PROVINCE


def select_province(code: str) -> None:
    """Simulate province `code` (`^[A-Z][0-9]{2}$`) in this process from now on."""
    global _selected
    if not PROVINCE_CODE.fullmatch(code):
        raise ValueError(f"a province code is a capital letter and two digits, e.g. H35, not {code!r}")
    _selected = code


def selected_province() -> str:
    return _selected


def place_name(code: str) -> str:
    """The simulated province's place name: Lai Châu for H35, else one of `provinces.yaml`'s names, picked
    from the code (the names are illustrative: two codes may share one)."""
    if code == DEFAULT_PROVINCE:
        return DEFAULT_PLACE
    names = _read("provinces")["place_names"]
    return names[((ord(code[0]) - ord("A")) * 100 + int(code[1:])) % len(names)]


def load(name: str) -> dict:
    return _load(name, _selected)


@cache
def _load(name: str, province: str) -> dict:
    text = (CONFIG_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    if province != DEFAULT_PROVINCE:
        text = text.replace(DEFAULT_PROVINCE, province).replace(DEFAULT_PLACE, place_name(province))
    return yaml.safe_load(text)


@cache
def _read(name: str) -> dict:
    with (CONFIG_DIR / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
