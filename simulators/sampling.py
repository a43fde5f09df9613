"""Seeded choice of the records a quirk touches: ⌈rate × n⌉ of a pool, so any positive rate touches one."""

import math

import numpy as np


def share_of(pool: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    if rate <= 0 or len(pool) == 0:
        return np.empty(0, dtype=np.int64)
    return rng.choice(pool, size=min(len(pool), math.ceil(rate * len(pool))), replace=False)


def mask_of(count: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    mask = np.zeros(count, dtype=bool)
    mask[share_of(np.arange(count), rate, rng)] = True
    return mask
