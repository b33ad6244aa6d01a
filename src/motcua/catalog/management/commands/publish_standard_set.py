"""``motcua publish_standard_set --name … --level commune``: create a
standard procedure set of the installed province (when it does not exist
yet) and publish it to every agency of its level. Idempotent: a second run
publishes again and creates nothing new when nothing changed.

Without ``--procedures`` a new set holds every published procedure of the
level that states a processing time; each gets the shipped workflow that
fits its time limit (``trong-ngay`` up to 2 working days, else
``ba-buoc-cap-so``), or ``--workflow``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.catalog.models import (
    ImplementingLevel,
    Procedure,
    StandardSet,
    StandardSetLevel,
    WorkflowTemplate,
    WorkflowTemplateVersion,
)
from motcua.catalog.services import (
    Statutory,
    standard_set_create,
    standard_set_item_add,
    standard_set_publish,
)
from motcua.catalog.workflows import default_workflow_key
from motcua.core.errors import DomainError
from motcua.units.models import AdministrativeUnit, Agency, Generation, Level

#: The implementing level of the procedures a set of each level holds.
SET_PROCEDURE_LEVEL = {
    StandardSetLevel.COMMUNE: ImplementingLevel.COMMUNE,
    StandardSetLevel.DEPARTMENT: ImplementingLevel.PROVINCE,
    StandardSetLevel.PUBLIC_SERVICE_CENTRE: ImplementingLevel.PROVINCE,
}


class Command(BaseCommand):
    help = "Tạo (nếu chưa có) và công bố một bộ thủ tục chuẩn của tỉnh tới các đơn vị."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help="Tên bộ thủ tục chuẩn.")
        parser.add_argument(
            "--level", required=True, choices=StandardSetLevel.values, help="Cấp áp dụng."
        )
        parser.add_argument(
            "--agency", default=None, help="Mã cơ quan (bộ riêng của một sở, ngành)."
        )
        parser.add_argument(
            "--procedures",
            default=None,
            help="Mã thủ tục, cách nhau bởi dấu phẩy (mặc định: mọi thủ tục của cấp này).",
        )
        parser.add_argument(
            "--workflow", default=None, help="Mã quy trình mẫu dùng cho mọi thủ tục của bộ."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = AdministrativeUnit.objects.filter(
            generation=Generation.CURRENT, level=Level.PROVINCE, code=settings.PROVINCE_CODE
        ).first()
        if province is None:
            raise CommandError(
                f"Chưa có tỉnh mã {settings.PROVINCE_CODE}: chạy `motcua import_units` trước."
            )
        try:
            with transaction.atomic():
                standard_set, created = self._set(province=province, options=options)
                report = standard_set_publish(actor=None, standard_set=standard_set)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Bộ “{standard_set.name}” ({'mới' if created else 'đã có'}, "
            f"{standard_set.items.count()} thủ tục): công bố tới {report.agencies} đơn vị, "
            f"{report.created} thủ tục tại đơn vị mới, {report.new_versions} phiên bản mới, "
            f"{report.unchanged} không đổi."
        )

    def _set(
        self, *, province: AdministrativeUnit, options: dict[str, Any]
    ) -> tuple[StandardSet, bool]:
        existing = StandardSet.objects.filter(name=options["name"], province=province).first()
        if existing is not None:
            return existing, False
        level = StandardSetLevel(options["level"])
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(public_id=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mã “{options['agency']}”.")
        versions = {
            p.code: p.current_version
            for p in Procedure.objects.select_related("current_version").filter(
                current_version__isnull=False
            )
        }
        if options["procedures"]:
            codes = [c.strip() for c in options["procedures"].split(",") if c.strip()]
            unknown = [c for c in codes if c not in versions]
            if unknown:
                raise CommandError(f"Không có thủ tục đã công bố mã: {', '.join(unknown)}.")
        else:
            codes = sorted(
                code
                for code, version in versions.items()
                if version is not None
                and version.level == SET_PROCEDURE_LEVEL[level]
                and Statutory.of(version).days is not None
            )
        if not codes:
            raise CommandError("Bộ thủ tục không có thủ tục nào: hãy chạy `import_catalog`.")
        workflows: dict[str, WorkflowTemplateVersion | None] = {
            t.key: t.versions.order_by("-number").first() for t in WorkflowTemplate.objects.all()
        }
        standard_set = standard_set_create(
            actor=None, name=options["name"], level=level, province=province, agency=agency
        )
        for code in codes:
            version = versions[code]
            assert version is not None
            key = options["workflow"] or default_workflow_key(Statutory.of(version).days)
            workflow = workflows.get(key)
            if workflow is None:
                raise CommandError(f"Chưa có quy trình mẫu “{key}”: chạy `motcua seed_workflows`.")
            standard_set_item_add(
                actor=None, standard_set=standard_set, procedure_version=version, workflow=workflow
            )
        return standard_set, True
