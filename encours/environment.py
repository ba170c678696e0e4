"""Typed readers of settings from the environment: a bad value stops the start with a clear message."""
from __future__ import annotations

import os


class BadSetting(ValueError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise BadSetting(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database_url(name: str, default: str) -> str:
    url = os.environ.get(name) or default
    if not (url.startswith("sqlite://") or url.startswith(("postgres://", "postgresql://"))):
        raise BadSetting(f"{name} must be a sqlite:///path or postgres://… URL, not {url!r}")
    return url
