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
    e_result: float  # closed dossiers with an electronic result
    rating_probabilities: tuple[float, float, float]  # RẤT HÀI LÒNG, HÀI LÒNG, KHÔNG HÀI LÒNG
    feedback_on_time: float  # PAKN answered within 15 working days


def draw_profile(rng: np.random.Generator, unit_type: str, is_office: bool) -> AgencyProfile:
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
        e_result=float(rng.uniform(0.6, 0.95)),
        rating_probabilities=(float(very_happy), float(1 - very_happy - unhappy), float(unhappy)),
        feedback_on_time=float(rng.uniform(0.85, 1.0)),
    )
