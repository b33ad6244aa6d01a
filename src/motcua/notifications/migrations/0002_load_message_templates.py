"""Load version 1 of every message template from message_templates.json
(the wording is data: a later version is a new row, added in the admin or
by a migration like this one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations

_FILE = Path(__file__).resolve().parent.parent / "message_templates.json"


def load(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("notifications", "MessageTemplate")
    for row in json.loads(_FILE.read_text(encoding="utf-8")):
        template.objects.get_or_create(key=row["key"], version=1, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_messages_templates_contacts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
