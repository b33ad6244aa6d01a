# Names and addresses stored before input was normalised: rewrite them in
# NFC (the form every entry point now stores). Only changed rows are saved.

import unicodedata
from typing import Any

from django.db import migrations

FIELDS = {"User": ("full_name", "first_name", "last_name"), "Applicant": ("name", "address")}


def to_nfc(apps: Any, schema_editor: Any) -> None:
    for model_name, fields in FIELDS.items():
        model = apps.get_model("accounts", model_name)
        changed = []
        for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
            dirty = False
            for field in fields:
                value = getattr(row, field) or ""
                normal = unicodedata.normalize("NFC", value)
                if normal != value:
                    setattr(row, field, normal)
                    dirty = True
            if dirty:
                changed.append(row)
        model.objects.bulk_update(changed, list(fields), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_nfc, migrations.RunPython.noop, elidable=True),
    ]
