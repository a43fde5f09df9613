"""The agency table of a scale and year (sources.md §2.5, §8), built from simulators/config."""

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from simulators.configuration import load

# Types that get metric rows (metrics.md §0) and therefore dossiers.
ASSESSED_TYPES = ("so-ban-nganh", "xa-phuong", "quan-huyen", "cnvpdk")
# A department's divisions (metrics.md §7.7, §8.1) and the first number of each kind in their codes.
DIVISION_TYPES = {"phong-ban": 1, "don-vi-truc-thuoc": 10}
# Random stream of the divisions (the DVC world's streams are numbered 1-7, the other sources' 101-105).
DIVISION_STREAM = 106


@dataclass(frozen=True)
class Agency:
    code: str
    old_code: str
    name: str
    unit_type: str
    parent: str | None
    valid_to: datetime | None

    @property
    def assessed(self) -> bool:
        return self.unit_type in ASSESSED_TYPES


def build_agencies(scale: str, period_start: datetime, seed: int = 0) -> list[Agency]:
    """Province, departments, communes, districts (while they exist in the period), fixed units and the
    departments' divisions (drawn from the seed)."""
    config = load("agencies")
    preset = load("scales")[scale]
    province = config["province"]
    agencies = [Agency(province["code"], province["old_code"], province["name"], "ubnd-tinh", None, None)]
    groups = [
        ("departments", "so-ban-nganh", config["department_names"], None),
        ("communes", "xa-phuong", config["commune_names"], None),
        ("districts", "quan-huyen", config["district_names"], config["district_valid_to"]),
    ]
    numbers: dict[str, int] = {}
    for group, unit_type, names, valid_to in groups:
        if group not in preset or (valid_to is not None and valid_to < period_start):
            continue
        pattern = preset[group]
        for position, number in enumerate(range(pattern["first"], pattern["last"] + 1)):
            numbers[pattern["code"].format(n=number)] = number
            agencies.append(
                Agency(
                    code=pattern["code"].format(n=number),
                    old_code=pattern["old_code"].format(n=number),
                    name=_name(names, position),
                    unit_type=unit_type,
                    parent=province["code"],
                    valid_to=valid_to,
                )
            )
    office = next(agency.code for agency in agencies if agency.unit_type == "so-ban-nganh")
    for unit in config["fixed_units"]:
        parent = office if unit["parent"] == "office" else unit["parent"]
        agencies.append(Agency(unit["code"], unit["old_code"], unit["name"], unit["type"], parent, None))
    rng = np.random.default_rng([seed, DIVISION_STREAM])
    departments = [a for a in agencies if a.unit_type == "so-ban-nganh"]
    for department in departments:
        agencies.extend(
            _divisions(department, numbers[department.code], agencies, preset["departments"], config, rng)
        )
    return agencies


def _divisions(
    department: Agency, number: int, known: list[Agency], pattern: dict, config: dict, rng
) -> list[Agency]:
    """3–7 `phong-ban` and 0–2 `don-vi-truc-thuoc` (metrics.md §12), counting the fixed units it has."""
    names = {"phong-ban": config["division_names"], "don-vi-truc-thuoc": config["centre_names"]}
    added = []
    for unit_type, first in DIVISION_TYPES.items():
        low, high = config["division_counts"][unit_type]
        fixed = [a for a in known if a.parent == department.code and a.unit_type == unit_type]
        taken = {a.code for a in fixed}
        free = [name for name in names[unit_type] if name not in {a.name for a in fixed}]
        wanted = max(0, int(rng.integers(low, high + 1)) - len(fixed))
        chosen = rng.choice(len(free), size=min(wanted, len(free)), replace=False).tolist()
        code = pattern["division_code"]
        numbers = (k for k in range(first, first + 50) if code.format(n=number, k=k) not in taken)
        for position, k in zip(sorted(chosen), numbers, strict=False):
            added.append(
                Agency(
                    code=code.format(n=number, k=k),
                    old_code=pattern["division_old_code"].format(n=number, k=k),
                    name=free[position],
                    unit_type=unit_type,
                    parent=department.code,
                    valid_to=None,
                )
            )
    return added


def divisions_of(agencies: list[Agency], code: str) -> list[int]:
    """Indices of the divisions of an agency (metrics.md §7.7): its `phong-ban` and `don-vi-truc-thuoc`."""
    return [i for i, a in enumerate(agencies) if a.parent == code and a.unit_type in DIVISION_TYPES]


def _name(names: list[str], position: int) -> str:
    # The large preset has more units than real names; later rounds get a distinguishing suffix.
    base = names[position % len(names)]
    rounds = position // len(names)
    return base if rounds == 0 else f"{base} (khu vực {rounds + 1})"


def abbreviation(agency: Agency, is_office: bool) -> str:
    """The agency's abbreviation in document notations (e.g. VPUBND, SNV, UBND)."""
    if is_office:
        return "VPUBND"
    if agency.unit_type != "so-ban-nganh":
        return "UBND"
    words = [w for w in re.split(r"[\s,–-]+", agency.name.split(" (")[0]) if w and w != "và"]
    return "".join(word[0].upper() for word in words)
