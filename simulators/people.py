"""Invented but realistic Vietnamese personal data, derived from a number so that nothing is stored."""

from simulators.configuration import load
from simulators.hashing import mix, pick


def full_name(female: bool, *parts: int) -> str:
    names = load("people")
    middle, given = ("female_middle", "female_given") if female else ("male_middle", "male_given")
    return " ".join(
        (pick(names["family"], *parts, 1), pick(names[middle], *parts, 2), pick(names[given], *parts, 3))
    )


def phone(*parts: int) -> str:
    return "09" + f"{mix(*parts, 4) % 100_000_000:08d}"


def id_number(*parts: int) -> str:
    """12 digits of a số định danh cá nhân: province code 0 + 2 digits, sex and century, year, serial."""
    value = mix(*parts, 5)
    return f"0{12 + value % 3:02d}{1 + value % 2}{value // 7 % 100:02d}{value // 701 % 1_000_000:06d}"
