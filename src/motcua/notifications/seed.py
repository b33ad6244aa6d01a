"""Version 1 of every message template, from ``message_templates.json``
(used by migration 0002 and whenever a key has no row, e.g. after a test
database was flushed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE = Path(__file__).resolve().parent / "message_templates.json"


def templates_load(model: Any) -> int:
    """Create the missing version-1 rows with ``model`` (the real or the
    migration's historical ``MessageTemplate``); returns how many."""
    created = 0
    for row in json.loads(FILE.read_text(encoding="utf-8")):
        _obj, made = model.objects.get_or_create(key=row["key"], version=1, defaults=row)
        created += int(made)
    return created
