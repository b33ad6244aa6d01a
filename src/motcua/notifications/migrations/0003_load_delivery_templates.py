"""Version 1 of the templates added for results by post (``post_delivered``,
``delivery_failed``): the rows missing from message_templates.json."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from motcua.notifications.seed import templates_load


def load(apps: Any, schema_editor: Any) -> None:
    templates_load(apps.get_model("notifications", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_load_message_templates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
