"""Per-agency behaviour drawn from the ranges of sources.md §9, so that agencies differ from each other."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AgencyProfile:
    weight: float  # share of the dossier volume, before normalisation
    online_start: float  # share of online dossiers at the start of the period ...
    online_end: float  # ... rising to this at its end
    postal: float  # share of BCCI dossiers
    on_time: float  # closed dossiers finished by NgayHenTra
    apology: float  # late dossiers with an apology signed in time
    online_payment: float  # fee dossiers paid online
    digitised: float
    e_result: (
        float  # closed dossiers with an electronic result, procedures with a paper result (KetQuaGiay 1)
    )
    e_result_other: float  # ... procedures without one
    reuse_start: float  # dossiers reusing a digitised document (DuocTaiSuDung 1 or 2) at the start ...
    reuse_end: float  # ... rising to this at the end of the period
    national_store: float  # dossiers with a document from the national store (DuocLayTuKhoDMQG 1)
    vneid: float  # citizens' dossiers from a VNeID-verified account
    offline_procedures: float  # online-capable procedures that get no online dossier
    rating_probabilities: tuple[float, float, float]  # RẤT HÀI LÒNG, HÀI LÒNG, KHÔNG HÀI LÒNG
    feedback_on_time: float  # PAKN answered within 15 working days


def draw_profile(
    rng: np.random.Generator, unit_type: str, is_office: bool, criteria: np.random.Generator
) -> AgencyProfile:
    """`criteria` draws the Decision 766 shares (metrics.md §12) apart, so that the other draws stay as they
    were before those shares existed."""
    online_start = rng.uniform(0.2, 0.45)
    unhappy = rng.uniform(0.01, 0.05)
    very_happy = rng.uniform(0.55, 0.65)
    weight = (
        rng.lognormal(0.0, 0.4) * (0.3 if is_office else 1.0) * (1.5 if unit_type == "xa-phuong" else 1.0)
    )
    return AgencyProfile(
        weight=float(weight),
        online_start=float(online_start),
        online_end=float(rng.uniform(online_start + 0.1, 0.7)),
        postal=float(rng.uniform(0.01, 0.03)),
        on_time=float(rng.uniform(0.95, 0.99)),
        apology=float(rng.uniform(0.6, 1.0)),
        online_payment=float(rng.uniform(0.3, 0.7)),
        digitised=float(rng.uniform(0.5, 0.9)),
        e_result=float(rng.uniform(0.5, 0.95)),
        e_result_other=float(criteria.uniform(0.9, 1.0)),
        # metrics.md §12 (DVC table): reuse 20–70 % rising, national store 5–30 %, VNeID 40–90 %,
        # 5–40 % of the online-capable procedures without an online dossier.
        reuse_start=(reuse_start := float(criteria.uniform(0.2, 0.45))),
        reuse_end=float(criteria.uniform(reuse_start, 0.7)),
        national_store=float(criteria.uniform(0.05, 0.3)),
        vneid=float(criteria.uniform(0.4, 0.9)),
        offline_procedures=float(criteria.uniform(0.05, 0.4)),
        rating_probabilities=(float(very_happy), float(1 - very_happy - unhappy), float(unhappy)),
        feedback_on_time=float(rng.uniform(0.85, 1.0)),
    )
