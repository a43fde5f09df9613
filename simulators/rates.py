"""Default rates of every data quirk (sources.md §7); the simulator's Python API may override any of them."""

from simulators.dvc.quirks import DEFAULT_RATES as DVC_RATES

OTHER_RATES = {
    "Q10": 0.005,  # recalls; updates at 0.4 and replacements at 0.2 of this rate
    "Q11": 0.04,  # cancelled meetings; polls at half this rate
    "Q13": 0.03,
    "Q15": 0.01,
    "Q16": 0.01,
    "Q17": 0.5,
    "Q18": 1 / 200,
    "Q19": 0.01,
}
DEFAULT_RATES = {**DVC_RATES, **OTHER_RATES}


def resolve(given: dict[str, float] | None) -> dict[str, float]:
    rates = {**DEFAULT_RATES, **(given or {})}
    unknown = set(rates) - set(DEFAULT_RATES)
    if unknown:
        raise ValueError(f"unknown quirk ids: {sorted(unknown)}")
    return rates
