"""The procedure catalogue (`thu-tuc`, sources.md §2.4)."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, NEVER
from simulators.configuration import load
from simulators.dvc.agencies import Agency

LEGAL_WORKING_DAYS = np.array([0.5, 1, 2, 3, 5, 7, 10, 12, 15, 20, 30])
LEGAL_CALENDAR_DAYS = np.array([3, 5, 7, 15, 30])
LEVEL_NAMES = {"tinh": ["Cấp tỉnh"], "xa": ["Cấp xã"], "huyen": ["Cấp huyện", "Cấp xã"]}


@dataclass(frozen=True)
class Procedure:
    code: str
    short_code: str
    name: str
    field_code: str
    field_name: str
    level: str  # tinh, xa or huyen: who receives it (procedures.yaml)
    service_level: int  # MucDo before upgraded_at
    upgraded_at: int  # when MucDo became 4 (NEVER if it did not change in the period)
    legal_days: float | None
    day_kind: str | None
    has_fee: bool
    paper_result: bool
    department: str | None  # handling department of a provincial procedure
    levels: tuple[str, ...]
    active: bool
    created_at: int

    def service_level_at(self, moment: int) -> int:
        return 4 if moment >= self.upgraded_at else self.service_level


def build_procedures(
    count: int,
    agencies: list[Agency],
    districts_exist: bool,
    period: tuple[int, int],
    rng: np.random.Generator,
) -> list[Procedure]:
    config = load("procedures")
    departments = [agency.code for agency in agencies if agency.unit_type == "so-ban-nganh"]
    bases = [
        (field, name, variant_round)
        for variant_round in range(count // 10 + 1)
        for field in config["fields"]
        for name in field["procedures"]
    ][:count]
    shorts = rng.choice(np.arange(1000, 15000), size=count, replace=False)
    # metrics.md §12: MucDo 4 / 3 / 2 in 45 / 30 / 25 %, KetQuaGiay 60 %, CoPhiLePhi 35 %.
    service_levels = rng.choice([2, 3, 4], size=count, p=[0.25, 0.3, 0.45])
    upgrades = (service_levels == 3) & (rng.random(count) < 0.05)
    upgrade_times = rng.integers(period[0], period[1], size=count)
    kinds = rng.choice(3, size=count, p=[0.8, 0.15, 0.05])
    variants = config["variants"]
    province = load("agencies")["province"]["code"]
    procedures = []
    for position, (field, name, variant_round) in enumerate(bases):
        short = f"{1 + position % 2}.{shorts[position]:06d}"
        code = f"{short}.{province}" if position % 10 < 3 else f"{short}.000.00.00.{province}"
        level = field["level"] if districts_exist or field["level"] != "huyen" else "xa"
        variant = variants[variant_round % len(variants)]
        if variant_round >= len(variants):
            variant = f"{variant} (trường hợp {variant_round // len(variants) + 1})"
        if kinds[position] == 0:
            legal_days, day_kind = float(rng.choice(LEGAL_WORKING_DAYS)), "Ngày làm việc"
        elif kinds[position] == 1:
            legal_days, day_kind = float(rng.choice(LEGAL_CALENDAR_DAYS)), "Ngày"
        else:
            legal_days, day_kind = None, None
        department = None
        if level == "tinh":
            # Fields prefer their department; later variant rounds spread over the other departments.
            department = departments[(field.get("department", 1) - 1 + variant_round * 7) % len(departments)]
        procedures.append(
            Procedure(
                code=code,
                short_code=short,
                name=name + variant,
                field_code=field["code"],
                field_name=field["name"],
                level=level,
                service_level=int(service_levels[position]),
                upgraded_at=int(upgrade_times[position]) if upgrades[position] else NEVER,
                legal_days=legal_days,
                day_kind=day_kind,
                has_fee=bool(rng.random() < 0.35),
                paper_result=bool(rng.random() < 0.6),
                department=department,
                levels=tuple(LEVEL_NAMES[level]),
                active=bool(rng.random() >= 0.03),
                created_at=period[0] - 20 * DAY + position * 60,
            )
        )
    return procedures


def receivable_by(procedures: list[Procedure], agency: Agency, districts_active: bool) -> list[int]:
    """Indices of the active procedures an agency receives dossiers for.

    District-level procedures go to the districts while they exist and to the communes afterwards.
    """
    if agency.unit_type == "so-ban-nganh":
        levels = ()
    elif agency.unit_type == "quan-huyen":
        levels = ("huyen",)
    else:
        levels = ("xa",) if districts_active else ("xa", "huyen")
    return [
        index
        for index, procedure in enumerate(procedures)
        if procedure.active and (procedure.level in levels or procedure.department == agency.code)
    ]


def receiving_agencies(procedure: Procedure, agencies: list[Agency]) -> list[str]:
    """MaCoQuanThucHien: the department, or every commune (and district) for local procedures."""
    if procedure.level == "tinh":
        return [procedure.department]
    types = ("xa-phuong", "quan-huyen") if procedure.level == "huyen" else ("xa-phuong",)
    return [agency.code for agency in agencies if agency.unit_type in types]
