"""Satisfaction ratings (`danh-gia`, sources.md §2.8): one record per rated dossier, re-ratings update it."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, NEVER, wire
from simulators.dvc.dossiers import COLUMN, DossierTable, orphan_codes
from simulators.dvc.profiles import AgencyProfile
from simulators.hashing import pick

RATINGS = ("RẤT HÀI LÒNG", "HÀI LÒNG", "KHÔNG HÀI LÒNG")
COMMENTS = (
    "Công dân đánh giá cán bộ tại quầy",
    "Đánh giá qua Cổng dịch vụ công",
    "Đánh giá qua ứng dụng di động",
)
RATERS = ("Lò Văn Minh", "Nguyễn Thị Hằng", "Vàng A Dơ", "Tòng Văn Sơn", "Phạm Thị Mai")


@dataclass
class RatingTable:
    keys: list[str]  # MaHoSo
    dossier: np.ndarray  # int64, -1 for orphans
    events: np.ndarray  # (n, 2): rated, re-rated
    ratings: np.ndarray  # (n, 2) int8 index into RATINGS
    orphan: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)


def generate_ratings(
    dossiers: DossierTable, profiles: dict[int, AgencyProfile], orphan_rate: float, period, rng
) -> RatingTable:
    ended = dossiers.events[:, COLUMN["ended"]]
    chosen = np.flatnonzero((dossiers.end_status == 9) & (rng.random(len(dossiers)) < 0.4))
    count = len(chosen)
    rated = ended[chosen] + rng.integers(600, 3 * DAY, count)
    rerated = np.where(rng.random(count) < 0.03, rated + rng.integers(DAY, 10 * DAY, count), NEVER)
    probabilities = {i: p.rating_probabilities for i, p in profiles.items()}
    agency = dossiers.agency[chosen]
    ratings = np.empty((count, 2), dtype=np.int8)
    for index in np.unique(agency):
        mask = agency == index
        ratings[mask] = rng.choice(3, size=(int(mask.sum()), 2), p=probabilities[int(index)])
    orphans = orphan_codes(dossiers, int(np.ceil(orphan_rate * count)) if orphan_rate > 0 else 0, rng)
    orphan_rated = rng.integers(period[0], period[1], len(orphans))
    return RatingTable(
        keys=[dossiers.keys[i] for i in chosen.tolist()] + orphans,
        dossier=np.concatenate([chosen, np.full(len(orphans), -1)]),
        events=np.concatenate(
            [
                np.stack([rated, rerated], axis=1),
                np.stack([orphan_rated, np.full(len(orphans), NEVER)], axis=1),
            ]
        ).astype(np.int64),
        ratings=np.concatenate([ratings, rng.choice(3, size=(len(orphans), 2)).astype(np.int8)]),
        orphan=np.concatenate([np.zeros(count, dtype=bool), np.ones(len(orphans), dtype=bool)]),
    )


def rating_record(table: RatingTable, index: int, moment: int, version: int) -> dict:
    rerated = table.events[index, 1] <= moment
    return {
        "MaHoSo": table.keys[index],
        "LoaiDanhGia": "CongDan",
        "DanhGia": RATINGS[table.ratings[index, 1 if rerated else 0]],
        "NoiDungDanhGia": pick(COMMENTS, index),
        "NguoiDanhGia": pick(RATERS, index, 1),
        "ThoiGianDanhGia": wire(table.events[index, 1 if rerated else 0]),
        "NgayCapNhat": wire(version),
    }
