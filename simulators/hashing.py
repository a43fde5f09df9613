"""Deterministic per-record values derived from a record index, so that rendering needs no stored text."""

MASK = (1 << 64) - 1


def mix(*parts: int) -> int:
    """A cheap 64-bit multiplicative hash of the parts (Fibonacci hashing with an xor-shift per part)."""
    value = 0x2545F4914F6CDD1D
    for part in parts:
        value = ((value ^ part) * 0x9E3779B97F4A7C15) & MASK
        value ^= value >> 29
    return value


def guid(*parts: int) -> str:
    """A version-4-shaped GUID string."""
    high = mix(*parts)
    text = f"{high:016x}{high * 0xD6E8FEB86659FD93 & MASK:016x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:32]}"


def pick(options, *parts: int):
    return options[mix(*parts) % len(options)]
