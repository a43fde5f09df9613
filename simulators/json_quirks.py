"""Data quirks of QLVB and E-CABINET records (sources.md §7): planned per record, applied when served.

Fields are named by paths: `MaDonViQuanLy`, `From.OrganId`, `XuLy[].MaDonVi`. Each quirk returns the paths
it really altered (`XuLy[0].MaDonVi`), which become manifest entries.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulators.hashing import mix
from simulators.isotime import iso_variant
from simulators.textquirks import QuirkPlan, case_variant, decompose, padded

ORDER = ("Q5", "Q7", "Q19", "Q4-type", "Q3", "Q4", "Q16", "Q2", "Q1")
UNKNOWN_ASSIGNMENT_STATUS = "13"
# Type abbreviations whose canonical spelling has lower-case letters (sources.md §3.4 Q4).
MIXED_CASE_TYPES = ("QyĐ", "TTr", "CTr")


@dataclass(frozen=True)
class JsonSpec:
    codes: tuple[str, ...] = ()  # Q3: top-level identifiers, codes and enumerations
    enums: tuple[str, ...] = ()  # Q4: enumeration paths whose letter case can vary
    agencies: tuple[str, ...] = ()  # Q5: agency reference paths
    datetimes: tuple[str, ...] = ()  # Q16: ISO date-time paths


def plan(
    sizes: dict[str, int],
    specs: dict[str, JsonSpec],
    eligible: dict[str, dict[str, np.ndarray]],
    rates: dict[str, float],
    rng: np.random.Generator,
) -> QuirkPlan:
    """Chooses the altered records; `eligible` enables the quirks of one entity (Q4-type, Q7, Q19)."""
    quirk_plan = QuirkPlan(ORDER)
    for entity, size in sizes.items():
        spec = specs[entity]
        wanted = {
            "Q1": rates["Q1"],
            "Q2": rates["Q2"],
            "Q3": min(1.0, rates["Q3"] * len(spec.codes)),
            "Q4": rates["Q4"] if spec.enums else 0,
            # About half of the references of a chosen record are rewritten: 15 % of references overall.
            "Q5": min(1.0, 2 * rates["Q5"]) if spec.agencies else 0,
            "Q16": rates["Q16"] if spec.datetimes else 0,
        }
        special = eligible.get(entity, {})
        if "Q4-type" in special:
            wanted["Q4-type"] = min(1.0, 5 * rates["Q4"])
        if "Q7" in special:
            wanted["Q7"] = rates["Q7"]
        if "Q19" in special:
            wanted["Q19"] = rates["Q19"]
        for quirk, rate in wanted.items():
            pool = special.get(quirk, np.arange(size))
            if rate <= 0 or len(pool) == 0:
                continue
            count = min(len(pool), math.ceil(rate * len(pool)))
            chosen = np.sort(rng.choice(pool, size=count, replace=False))
            quirk_plan.add(entity, chosen, quirk, rng.integers(0, 2**31, count))
    return quirk_plan.freeze()


def apply(
    record: dict, spec: JsonSpec, entries: list[tuple[str, int]], old_codes: dict[str, str]
) -> list[tuple[str, str]]:
    """Alters the record in place; returns (path, quirk) for every value really altered.

    `old_codes` maps each agency's MaDinhDanh to its MaDinhDanhCu (Q5).
    """
    altered = []
    for quirk, salt in entries:
        altered.extend((path, quirk.split("-")[0]) for path in QUIRKS[quirk](record, spec, salt, old_codes))
    return altered


def locations(record: dict, path: str) -> list[tuple[object, object, str]]:
    """(container, key, concrete path) of every value a path names that is present."""
    found = [(record, None, "")]
    for part in path.split("."):
        listed = part.endswith("[]")
        name = part[:-2] if listed else part
        step = []
        for container, key, prefix in found:
            holder = container if key is None else container[key]
            if not isinstance(holder, dict) or holder.get(name) is None:
                continue
            here = f"{prefix}.{name}" if prefix else name
            if listed:
                step.extend((holder[name], i, f"{here}[{i}]") for i in range(len(holder[name])))
            else:
                step.append((holder, name, here))
        found = step
    return [(container, key, text) for container, key, text in found if key is not None]


def _strings(record: dict, paths: tuple[str, ...]) -> list[tuple[object, object, str]]:
    return [
        place
        for path in paths
        for place in locations(record, path)
        if isinstance(place[0][place[1]], str) and place[0][place[1]]
    ]


def _old_agency(record, spec, salt, old_codes) -> list[str]:
    altered = []
    for position, (container, key, path) in enumerate(_strings(record, spec.agencies)):
        old = old_codes.get(container[key])
        if old is not None and (position == 0 or mix(salt, position) % 2 == 0):
            container[key] = old
            altered.append(path)
    return altered


def _unknown_assignment_status(record, spec, salt, old_codes) -> list[str]:
    assignments = record.get("XuLy") or []
    if not assignments:
        return []
    position = salt % len(assignments)
    assignments[position]["TrangThai"] = UNKNOWN_ASSIGNMENT_STATUS
    return [f"XuLy[{position}].TrangThai"]


def _paper_contradiction(record, spec, salt, old_codes) -> list[str]:
    if record.get("khongGiay") is not False:
        return []
    record["khongGiay"] = True
    return ["khongGiay"]


def _type_code_case(record, spec, salt, old_codes) -> list[str]:
    altered = []
    for name in ("CodeNotation", "DocumentId"):
        value = record.get(name)
        for code in MIXED_CASE_TYPES:
            if isinstance(value, str) and code in value:
                record[name] = value.replace(code, code.upper())
                altered.append(name)
                break
    return altered


def _whitespace(record, spec, salt, old_codes) -> list[str]:
    candidates = _strings(record, spec.codes)
    if not candidates:
        return []
    container, key, path = candidates[salt % len(candidates)]
    container[key] = padded(container[key], salt)
    return [path]


def _letter_case(record, spec, salt, old_codes) -> list[str]:
    candidates = _strings(record, spec.enums)
    if not candidates:
        return []
    container, key, path = candidates[salt % len(candidates)]
    variant = case_variant(container[key])
    if variant is None:
        return []
    container[key] = variant
    return [path]


def _offset(record, spec, salt, old_codes) -> list[str]:
    candidates = _strings(record, spec.datetimes)
    if not candidates:
        return []
    container, key, path = candidates[salt % len(candidates)]
    container[key] = iso_variant(container[key], utc=salt % 2 == 1)
    return [path]


def _decomposed(record, spec, salt, old_codes) -> list[str]:
    return decompose(record)


def _empty_for_null(record, spec, salt, old_codes) -> list[str]:
    altered = [name for name, value in record.items() if value is None]
    for name in altered:
        record[name] = ""
    return altered


QUIRKS: dict[str, Callable[[dict, JsonSpec, int, dict[str, str]], list[str]]] = {
    "Q1": _empty_for_null,
    "Q2": _decomposed,
    "Q3": _whitespace,
    "Q4": _letter_case,
    "Q4-type": _type_code_case,
    "Q5": _old_agency,
    "Q7": _unknown_assignment_status,
    "Q16": _offset,
    "Q19": _paper_contradiction,
}
