"""E-CABINET settings from the environment variables `assets/` read (interface.md §1); the owner defaults to
the deployment file."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etl.settings import MissingSetting, require_setting
from etl.timeparse import DEFAULT_TIMEZONE

DEPLOYMENT_FILE = Path(__file__).parent.parent / "reference" / "deployment.yaml"
OWNER_VARIABLE = "PARINDEX_ECABINET_OWNER"


def configured_owner(path: str | Path | None = None) -> str | None:
    """The ``ecabinet_owner`` entry of the deployment configuration, or None when it has none."""
    with open(path or DEPLOYMENT_FILE, encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    value = config.get("ecabinet_owner") if isinstance(config, Mapping) else None
    if value is None:
        return None
    return str(value).strip() or None


def owner_code(env: Mapping[str, str], deployment: str | Path | None = None) -> str:
    """``PARINDEX_ECABINET_OWNER``, else the deployment's ``ecabinet_owner`` (interface.md §1)."""
    owner = env.get(OWNER_VARIABLE, "").strip() or configured_owner(deployment)
    if not owner:
        raise MissingSetting(f"{OWNER_VARIABLE} is not set and the deployment file names no ecabinet_owner")
    return owner


@dataclass(frozen=True)
class EcabinetSettings:
    url: str
    user: str
    password: str = field(repr=False)
    owner: str = ""
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "EcabinetSettings":
        return cls(
            url=require_setting(env, "PARINDEX_ECABINET_URL"),
            user=require_setting(env, "PARINDEX_ECABINET_USER"),
            password=require_setting(env, "PARINDEX_ECABINET_PASSWORD"),
            owner=owner_code(env),
            timezone=env.get("PARINDEX_TIMEZONE", "").strip() or DEFAULT_TIMEZONE,
        )
