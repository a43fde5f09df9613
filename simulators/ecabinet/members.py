"""The members of UBND tỉnh as E-CABINET knows them: pseudonymous ids (`TV-` + 6 digits), posts, agencies."""

from dataclasses import dataclass

from simulators.configuration import load
from simulators.dvc.agencies import Agency, abbreviation


@dataclass(frozen=True)
class Roster:
    ids: list[str]
    positions: list[str]
    agencies: list[int]  # agency index of each member
    all_agencies: list[Agency]
    office: int

    def __len__(self) -> int:
        return len(self.ids)

    def agency_code(self, member: int) -> str:
        return self.all_agencies[self.agencies[member]].code

    def abbreviation(self, agency: int) -> str:
        return abbreviation(self.all_agencies[agency], agency == self.office)


def build_roster(agencies: list[Agency], departments: list[int], office: int) -> Roster:
    """Leaders of the province first (TV-000001 chairs), then department heads, then other members."""
    config = load("ecabinet")
    province = next(i for i, a in enumerate(agencies) if a.unit_type == "ubnd-tinh")
    positions, homes = [], []
    for leader in config["leaders"]:
        positions += [leader["position"]] * leader["count"]
        homes += [province] * leader["count"]
    position = 0
    while len(positions) < config["members"]:
        department = departments[position % len(departments)]
        first_round = position < len(departments)
        positions.append("Thủ trưởng cơ quan" if first_round else "Thành viên tổ giúp việc")
        homes.append(department)
        position += 1
    return Roster(
        ids=[f"TV-{number + 1:06d}" for number in range(len(positions))],
        positions=positions,
        agencies=homes,
        all_agencies=agencies,
        office=office,
    )
