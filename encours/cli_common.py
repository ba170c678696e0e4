"""What every group of the ``encours`` command shares: Django's set-up and the parsing of dates."""
from __future__ import annotations

import os
from datetime import date

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encours.settings")
    os.environ.setdefault("ENCOURS_CLI", "true")
    import django

    django.setup()


def _parse_date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD") from None
