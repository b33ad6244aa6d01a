from __future__ import annotations

import pytest

from motcua.catalog.models import CatalogAuditEvent, Procedure, VersionStatus
from motcua.catalog.services import (
    catalog_import,
    procedure_version_publish,
    procedure_version_update,
)
from motcua.core.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def test_published_version_is_immutable(catalog):
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None and version.status == VersionStatus.PUBLISHED
    with pytest.raises(Conflict) as info:
        procedure_version_update(actor=None, version=version, changes={"short_name": "Khác"})
    assert info.value.code == "published_immutable"
    version.refresh_from_db()
    assert version.short_name == "Đăng ký khai sinh"
    with pytest.raises(Conflict):
        procedure_version_publish(actor=None, version=version)


def test_draft_can_be_edited_then_published(sample, personas):
    catalog_import(actor=None, payload=sample)
    sample["procedures"][0]["result"] = "Giấy khai sinh (bản chính) và bản sao"
    catalog_import(actor=None, payload=sample, publish=False)
    procedure = Procedure.objects.get(code="1.001193")
    draft = procedure.versions.get(number=2)
    with pytest.raises(DomainError):
        procedure_version_update(actor=None, version=draft, changes={"level": "province"})
    edited = procedure_version_update(
        actor=personas.province_admin, version=draft, changes={"short_name": "Khai sinh"}
    )
    assert edited.short_name == "Khai sinh"
    assert "khai sinh" in edited.search_text
    procedure_version_publish(actor=personas.province_admin, version=edited)
    procedure.refresh_from_db()
    assert procedure.current_version_id == draft.pk
    event = CatalogAuditEvent.objects.filter(action="procedure_version.update").get()
    assert event.actor == personas.province_admin
    assert event.before == {"short_name": "Đăng ký khai sinh"}
    assert event.after == {"short_name": "Khai sinh"}
    with pytest.raises(Conflict):
        procedure_version_update(actor=None, version=edited, changes={"short_name": "X"})


def test_admin_shows_published_version_read_only(catalog, admin_client):
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None
    url = f"/admin/catalog/procedureversion/{version.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="short_name"' not in page.content
    assert "Đăng ký khai sinh" in page.content.decode()
    admin_client.post(url, {"short_name": "Đã sửa"})
    version.refresh_from_db()
    assert version.short_name == "Đăng ký khai sinh"
    assert admin_client.get("/admin/catalog/catalogauditevent/").status_code == 200
