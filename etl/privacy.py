"""Personal-data rules of sources.md §1.9, applied to received records before anything is written.

This step is separate from normalisation: its output is what raw and quarantine store, and what the
normalisers read, so a record can be normalised again later without being hashed twice.
"""

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from etl.text import nfc

log = logging.getLogger(__name__)

PERSON = "person"
CBCCVC = "cbccvc"
# A numeric 12-digit personal number that lost its leading zero on the way (Q13).
_PERSON_ID_DIGITS = 12


def clean_id_value(value: object) -> str:
    """NFC, every whitespace removed; a number that lost a leading zero is padded back (Q13)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(nfc(str(value)).split())
    if isinstance(value, int) and len(text) == _PERSON_ID_DIGITS - 1:
        text = text.zfill(_PERSON_ID_DIGITS)
    return text


@dataclass(frozen=True)
class FieldPolicy:
    """What to do with each personal field of one record kind; unlisted fields are kept as received."""

    drop: frozenset[str] = frozenset()  # P: data no metric needs
    hash: Mapping[str, str] = field(default_factory=dict)  # ID: field -> pseudonym domain
    year_only: frozenset[str] = frozenset()  # Y: date of birth, keep the year
    sensitive: frozenset[str] = frozenset()  # S: never stored; only its presence is logged
    arrays: Mapping[str, "FieldPolicy"] = field(default_factory=dict)  # policy of each array's entries
    objects: Mapping[str, "FieldPolicy"] = field(default_factory=dict)  # policy of each nested object


def _year_of(value: object) -> int | None:
    """The year of a date of birth given as a date, a year, ``dd/MM/yyyy`` or ``yyyy-MM-dd`` text."""
    if value is None or isinstance(value, int):
        return value
    year = getattr(value, "year", None)
    if isinstance(year, int):
        return year
    parts = str(value).strip().replace("-", "/").replace(".", "/").split("/")
    years = [part for part in parts if len(part) == 4 and part.isdigit()]
    return int(years[0]) if years else None


class Privacy:
    """Applies field policies with one pseudonym key (``PARINDEX_PSEUDONYM_KEY``, read by the caller)."""

    def __init__(self, key: bytes | str, remembered: int = 0):
        """`remembered`: how many pseudonyms to keep for values received again (none by default). A source
        that repeats its identifiers, as HR's monthly exports repeat an agency's staff on every sheet and in
        every month, reuses them instead of computing each again; once that many are kept they are all
        forgotten, so that memory stays bounded."""
        if not key:
            raise ValueError("a pseudonym key is required (PARINDEX_PSEUDONYM_KEY)")
        # The keyed state is set up once and copied per value: the key schedule is half of an HMAC's cost.
        self._keyed = hmac.new(key.encode() if isinstance(key, str) else key, digestmod=hashlib.sha256)
        self.sensitive_seen: set[str] = set()
        self._remembered = remembered
        # (domain, class, value) → pseudonym: the class keeps apart values equal in Python but cleaned
        # differently (True and 1).
        self._known: dict[tuple[str, type, object], str] = {}

    def pseudonymise(self, domain: str, value: object) -> str:
        """``HMAC-SHA256(key, domain + ":" + cleaned value)`` as 64 lower-case hex characters."""
        if not self._remembered:
            return self._pseudonym(domain, value)
        seen = (domain, value.__class__, value)
        pseudonym = self._known.get(seen)
        if pseudonym is None:
            pseudonym = self._pseudonym(domain, value)
            if len(self._known) >= self._remembered:
                self._known.clear()
            self._known[seen] = pseudonym
        return pseudonym

    def _pseudonym(self, domain: str, value: object) -> str:
        mac = self._keyed.copy()
        mac.update(f"{domain}:{clean_id_value(value)}".encode())
        return mac.hexdigest()

    def apply(self, record: Mapping[str, object], policy: FieldPolicy) -> dict[str, object]:
        """A new record without P and S fields, with ID fields hashed and Y fields cut to the year."""
        out = dict(record)
        for name in policy.drop:
            out.pop(name, None)
        for name in policy.sensitive:
            if name in out:
                del out[name]
                if name not in self.sensitive_seen:
                    self.sensitive_seen.add(name)
                    log.warning("sensitive field %s present in the source; dropped as read", name)
        for name, domain in policy.hash.items():
            value = out.get(name)
            if value is not None and (not isinstance(value, str) or value.strip()):
                out[name] = self.pseudonymise(domain, value)
        for name in policy.year_only:
            if name in out:
                out[name] = _year_of(out[name])
        for name, entry_policy in policy.arrays.items():
            entries = out.get(name)
            if isinstance(entries, list):
                out[name] = [
                    self.apply(entry, entry_policy) if isinstance(entry, Mapping) else entry
                    for entry in entries
                ]
        for name, object_policy in policy.objects.items():
            nested = out.get(name)
            if isinstance(nested, Mapping):
                out[name] = self.apply(nested, object_policy)
        return out
