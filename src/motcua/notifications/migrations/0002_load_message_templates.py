"""Load version 1 of every message template from message_templates.json
(the wording is data: a later version is a new row, added in the admin or
by a migration like this one)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from motcua.notifications.seed import templates_load


def load(apps: Any, schema_editor: Any) -> None:
    templates_load(apps.get_model("notifications", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_messages_templates_contacts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
