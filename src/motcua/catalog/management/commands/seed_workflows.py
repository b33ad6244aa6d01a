"""``manage.py seed_workflows``: create and publish the shipped workflow
templates and e-forms (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.catalog.services import eforms_seed, workflow_templates_seed


class Command(BaseCommand):
    help = "Tạo các quy trình mẫu và biểu mẫu điện tử kèm theo phần mềm."

    def handle(self, *args: Any, **options: Any) -> None:
        for version in workflow_templates_seed(actor=None):
            self.stdout.write(f"quy trình: {version}")
        for eform in eforms_seed(actor=None):
            self.stdout.write(f"biểu mẫu: {eform}")
