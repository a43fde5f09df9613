"""The agency table of a scale and year (sources.md §2.5, §8), built from simulators/config."""

import re
from dataclasses import dataclass
from datetime import datetime

from simulators.configuration import load

# Types that get metric rows (metrics.md §0) and therefore dossiers.
ASSESSED_TYPES = ("so-ban-nganh", "xa-phuong", "quan-huyen", "cnvpdk")


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


def build_agencies(scale: str, period_start: datetime) -> list[Agency]:
    """Province, departments, communes, districts (while they exist in the period) and fixed units."""
    config = load("agencies")
    preset = load("scales")[scale]
    province = config["province"]
    agencies = [Agency(province["code"], province["old_code"], province["name"], "ubnd-tinh", None, None)]
    groups = [
        ("departments", "so-ban-nganh", config["department_names"], None),
        ("communes", "xa-phuong", config["commune_names"], None),
        ("districts", "quan-huyen", config["district_names"], config["district_valid_to"]),
    ]
    for group, unit_type, names, valid_to in groups:
        if group not in preset or (valid_to is not None and valid_to < period_start):
            continue
        pattern = preset[group]
        for position, number in enumerate(range(pattern["first"], pattern["last"] + 1)):
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
    return agencies


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
