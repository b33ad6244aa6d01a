from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import (
    CatalogAuditEvent,
    Channel,
    DocumentComponent,
    Procedure,
    ProcedureVersion,
    TimeUnit,
    VersionStatus,
)
from motcua.catalog.services import CatalogImportError, catalog_import

from .conftest import CATALOG_PATH

pytestmark = pytest.mark.django_db


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import_catalog", *args, stdout=out)
    return out.getvalue().strip()


def test_sample_imports_as_is():
    assert run_import() == "46 thêm mới, 0 thay đổi, 0 không đổi"
    assert Procedure.objects.count() == 46
    assert set(Procedure.objects.values_list("code", flat=True)) >= {"1.001193", "3.000333"}
    birth = Procedure.objects.get(code="1.001193").current_version
    assert birth is not None
    assert birth.status == VersionStatus.PUBLISHED
    assert birth.short_name == "Đăng ký khai sinh"
    assert birth.field == "Hộ tịch"
    assert birth.announced_by == "Quyết định 163/QĐ-BTP"
    copy_fee = birth.fees.get(name__startswith="Phí cấp bản sao")
    assert copy_fee.amount_vnd == 8000
    assert birth.fees.get(name="Lệ phí đăng ký khai sinh").amount_vnd == 0
    assert birth.documents.count() == 7
    present = birth.documents.get(name__startswith="Giấy tờ tùy thân")
    assert present.mode == "present" and present.required
    times = {t.channel: t for t in birth.processing_times.all()}
    assert set(times) == {Channel.IN_PERSON, Channel.ONLINE, Channel.POST}
    assert times[Channel.ONLINE].days == Decimal(1)
    assert times[Channel.ONLINE].unit == TimeUnit.WORKING_DAYS
    assert DocumentComponent.objects.count() == 192


def test_calendar_day_flag_and_unknown_days():
    run_import()
    record = Procedure.objects.get(code="3.000333").current_version
    assert record is not None
    assert {t.unit for t in record.processing_times.all()} == {TimeUnit.CALENDAR_DAYS}
    assert record.processing_times.first().days == Decimal(10)  # type: ignore[union-attr]
    unknown = Procedure.objects.get(code="1.001776").current_version
    assert unknown is not None
    assert {t.days for t in unknown.processing_times.all()} == {None}
    no_online = Procedure.objects.get(code="2.000815").current_version
    assert no_online is not None
    assert Channel.ONLINE not in {t.channel for t in no_online.processing_times.all()}
    calendar_codes = set(
        ProcedureVersion.objects.filter(processing_times__unit=TimeUnit.CALENDAR_DAYS)
        .values_list("procedure__code", flat=True)
        .distinct()
    )
    assert calendar_codes == {"2.001263", "1.012812", "3.000333", "1.013236", "2.001827"}


def test_reimport_is_idempotent():
    run_import()
    events = CatalogAuditEvent.objects.count()
    assert run_import(str(CATALOG_PATH)) == "0 thêm mới, 0 thay đổi, 46 không đổi"
    assert ProcedureVersion.objects.count() == 46
    assert CatalogAuditEvent.objects.count() == events + 1  # only the import summary


def test_changed_record_creates_new_version(sample):
    catalog_import(actor=None, payload=sample)
    old = Procedure.objects.get(code="1.001193").current_version
    assert old is not None
    sample["procedures"][0]["fees"][1]["amount_vnd"] = 10000
    report = catalog_import(actor=None, payload=sample)
    assert report.summary() == "0 thêm mới, 1 thay đổi, 45 không đổi"
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.versions.count() == 2
    assert procedure.current_version is not None
    assert procedure.current_version.number == 2
    old.refresh_from_db()
    assert old.status == VersionStatus.PUBLISHED
    assert old.fees.get(name__startswith="Phí cấp bản sao").amount_vnd == 8000
    assert (
        procedure.current_version.fees.get(name__startswith="Phí cấp bản sao").amount_vnd == 10000
    )


def test_changed_record_as_draft(sample):
    catalog_import(actor=None, payload=sample)
    sample["procedures"][1]["short_name"] = "Khai tử"
    catalog_import(actor=None, payload=sample, publish=False)
    procedure = Procedure.objects.get(code="1.000656")
    assert procedure.current_version is not None
    assert procedure.current_version.number == 1
    assert procedure.versions.get(number=2).status == VersionStatus.DRAFT


def test_bad_file_changes_nothing(sample):
    catalog_import(actor=None, payload=sample)
    before = ProcedureVersion.objects.count()
    sample["procedures"][0]["short_name"] = "Đổi tên (hợp lệ)"
    sample["procedures"][3]["documents"][0]["copies"] = "một"
    del sample["procedures"][5]["result"]
    sample["procedures"][7]["code"] = sample["procedures"][6]["code"]
    with pytest.raises(CatalogImportError) as info:
        catalog_import(actor=None, payload=sample)
    errors = {(e["index"], e["field"]) for e in info.value.errors}
    assert (3, "documents[0].copies") in errors
    assert (5, "result") in errors
    assert (7, "code") in errors
    by_index = {e["index"]: e for e in info.value.errors}
    assert by_index[3]["code"] == "1.004837"
    assert "1.004837" in info.value.message and "documents[0].copies" in info.value.message
    assert ProcedureVersion.objects.count() == before
    birth = Procedure.objects.get(code="1.001193").current_version
    assert birth is not None and birth.short_name == "Đăng ký khai sinh"


def test_bad_file_on_empty_database(sample, tmp_path):
    sample["procedures"][10]["processing_days"] = "ba"
    path = tmp_path / "bad.json"
    import json

    path.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="processing_days"):
        run_import(str(path))
    assert Procedure.objects.count() == 0
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        run_import(str(path))


def test_too_long_value_is_a_row_error(sample):
    sample["procedures"][2]["short_name"] = "x" * 600
    with pytest.raises(CatalogImportError) as info:
        catalog_import(actor=None, payload=sample)
    assert info.value.errors == [
        {"index": 2, "code": "1.004873", "field": "short_name", "message": "dài quá 500 ký tự"}
    ]
    assert Procedure.objects.count() == 0
