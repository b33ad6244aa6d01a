"""``motcua publish_standard_set``: create a standard set once, publish it to
every agency of its level, and publish again without duplicating."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from motcua.catalog.models import (
    ConfiguredProcedure,
    StandardSet,
)
from motcua.catalog.services import workflow_templates_seed
from motcua.dossiers.tests.factories import published_procedure_version
from motcua.testing import TestProvince
from motcua.units.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db


def _procedure(code: str, days: int) -> None:
    version = published_procedure_version(code, days=days, name=f"Thủ tục {code}")
    version.procedure.current_version = version
    version.procedure.save(update_fields=["current_version"])


@override_settings(PROVINCE_CODE="99")
def test_creates_publishes_and_republishes(province: TestProvince) -> None:
    workflow_templates_seed(actor=None)
    _procedure("9.100001", 1)
    _procedure("9.100002", 5)
    communes = Agency.objects.filter(
        province=province.province, kind=AgencyKind.COMMUNE_COMMITTEE
    ).count()
    assert communes >= 1
    out = StringIO()
    call_command(
        "publish_standard_set",
        level="commune",
        name="Bộ chuẩn cấp xã",
        procedures="9.100001,9.100002",
        stdout=out,
    )
    assert "(mới, 2 thủ tục)" in out.getvalue()
    offered = ConfiguredProcedure.objects.filter(agency__kind=AgencyKind.COMMUNE_COMMITTEE)
    assert offered.count() == 2 * communes
    workflows = {
        c.procedure.code: c.current_version.workflow.template.key
        for c in offered.select_related("current_version__workflow__template", "procedure")
        if c.current_version and c.current_version.workflow
    }
    assert workflows == {"9.100001": "trong-ngay", "9.100002": "ba-buoc-cap-so"}
    again = StringIO()
    call_command("publish_standard_set", level="commune", name="Bộ chuẩn cấp xã", stdout=again)
    assert (
        "(đã có, 2 thủ tục)" in again.getvalue() and "0 thủ tục tại đơn vị mới" in again.getvalue()
    )
    assert StandardSet.objects.count() == 1
    assert offered.count() == 2 * communes


@override_settings(PROVINCE_CODE="99")
def test_unknown_procedure_is_refused_and_nothing_is_created(province: TestProvince) -> None:
    workflow_templates_seed(actor=None)
    with pytest.raises(CommandError, match=r"Không có thủ tục đã công bố mã: 0\.000000"):
        call_command("publish_standard_set", level="commune", name="Bộ lỗi", procedures="0.000000")
    assert not StandardSet.objects.exists()
