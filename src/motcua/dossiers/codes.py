"""Dossier codes: ``{agency e-identifier}-{yyMMdd}-{NNNN}`` from one
counter row per agency and day.
"""

from __future__ import annotations

import datetime

from django.db import connection

from motcua.dossiers.models import DossierCounter
from motcua.units.models import Agency


def next_code(agency: Agency, day: datetime.date) -> str:
    """Take the next number of ``agency``'s counter for ``day`` with one
    atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``): no
    ``max()`` scan, no table lock, no insert race. Runs inside the caller's
    transaction, so a rolled-back submission gives its number back."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET value = {table}.value + 1 "
            "RETURNING value",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    assert row is not None
    return format_code(agency, day, int(row[0]))


def format_code(agency: Agency, day: datetime.date, number: int) -> str:
    """``{agency e-identifier}-{yyMMdd}-{NNNN}``: at least four digits,
    more past 9999."""
    prefix = agency.e_identifier or agency.public_id
    return f"{prefix}-{day:%y%m%d}-{number:04d}"
