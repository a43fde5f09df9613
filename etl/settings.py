"""Connector settings from the environment variables of contracts/interface.md §1, as `assets/` read them
(a mapping of variable names to values): etl reads no environment itself."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from etl.timeparse import DEFAULT_TIMEZONE


class MissingSetting(Exception):
    """A required variable is not set; the message names the variable, never a value."""


def require_setting(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise MissingSetting(f"{name} is not set")
    return value


@dataclass(frozen=True)
class DvcSettings:
    url: str
    client_id: str
    client_secret: str = field(repr=False)
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "DvcSettings":
        return cls(
            url=require_setting(env, "PARINDEX_DVC_URL"),
            client_id=require_setting(env, "PARINDEX_DVC_CLIENT_ID"),
            client_secret=require_setting(env, "PARINDEX_DVC_CLIENT_SECRET"),
            timezone=env.get("PARINDEX_TIMEZONE", "").strip() or DEFAULT_TIMEZONE,
        )
