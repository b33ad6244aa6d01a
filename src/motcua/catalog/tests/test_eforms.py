from __future__ import annotations

import json
from typing import Any

import pytest
from django.template import Context, Template

from motcua.catalog import eforms
from motcua.catalog.models import Procedure, VersionStatus
from motcua.catalog.selectors import (
    configured_procedure_version_documents,
    configured_procedure_version_eform_schema,
)
from motcua.catalog.services import (
    EFORM_FIXTURES,
    EFormInvalid,
    configured_procedure_configure,
    eform_create,
    eforms_seed,
)

SCHEMA = json.loads((EFORM_FIXTURES / "eform-1.001193.json").read_text(encoding="utf-8"))["schema"]


def communes(code: str) -> bool:
    return code == "99001"


def valid_data() -> dict[str, Any]:
    return {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "086190000123",
            "noi_cu_tru": {"commune_code": "99001", "street": "Số 5, đường Lê Lợi"},
            "quan_he": "cha",
        },
        "tre": {
            "ho_ten": "Nguyễn Minh Khôi",
            "gioi_tinh": "nam",
            "ngay_sinh": "2026-02-10",
            "noi_sinh": "Bệnh viện Đa khoa tỉnh",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "so_con_sinh_cung_lan": 1,
        },
        "me": {"ho_ten": "Trần Thị Bình"},
        "ban_sao": [{"so_ban": 2}],
    }


def test_shipped_birth_form_schema_is_supported():
    assert eforms.check_schema(SCHEMA) == []
    assert eforms.validate(SCHEMA, valid_data(), commune_exists=communes) == {}


def test_validation_errors_per_field_in_vietnamese():
    data = valid_data()
    data["nguoi_yeu_cau"]["so_dinh_danh"] = "12345"
    data["nguoi_yeu_cau"]["noi_cu_tru"] = {"commune_code": "12345", "street": ""}
    data["nguoi_yeu_cau"]["quan_he"] = "hang_xom"
    data["tre"]["ngay_sinh"] = "31/02/2026"
    data["tre"]["so_con_sinh_cung_lan"] = "hai"
    del data["me"]
    data["ban_sao"] = [{"so_ban": 0}, {"ghi_chu": "x"}]
    errors = eforms.validate(SCHEMA, data, commune_exists=communes)
    assert errors["nguoi_yeu_cau.so_dinh_danh"] == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
    assert errors["nguoi_yeu_cau.noi_cu_tru.commune_code"] == [
        "Mã xã, phường “12345” không tồn tại."
    ]
    assert errors["nguoi_yeu_cau.noi_cu_tru.street"] == ["Vui lòng nhập số nhà, đường, thôn, ấp."]
    assert "danh sách" in errors["nguoi_yeu_cau.quan_he"][0]
    assert "không phải ngày hợp lệ" in errors["tre.ngay_sinh"][0]
    assert errors["tre.so_con_sinh_cung_lan"] == ["Số con sinh cùng lần phải là số."]
    # An empty required group reports its own required fields, not itself.
    assert "me" not in errors
    assert errors["me.ho_ten"] == ["Vui lòng nhập họ, chữ đệm, tên."]
    assert errors["ban_sao[0].so_ban"] == ["Số bản sao không được nhỏ hơn 1."]
    assert errors["ban_sao[1].so_ban"] == ["Vui lòng nhập số bản sao."]


def test_unsupported_schema_is_rejected():
    bad = {"type": "object", "properties": {"x": {"type": "string", "format": "email"}}}
    assert eforms.check_schema(bad)
    assert eforms.check_schema({"type": "object", "properties": {"Bad Name": {"type": "null"}}})


def test_rendered_fields_are_accessible():
    data = valid_data()
    data["tre"]["ngay_sinh"] = "sai"
    errors = eforms.validate(SCHEMA, data, commune_exists=communes)
    html = Template("{% load catalog_tags %}{% eform_fields schema data errors %}").render(
        Context({"schema": SCHEMA, "data": data, "errors": errors})
    )
    assert '<label for="f-tre-ngay_sinh">Ngày, tháng, năm sinh' in html
    assert 'id="f-tre-ngay_sinh"' in html and 'type="date"' in html
    assert 'aria-describedby="f-tre-ngay_sinh-error"' in html and 'aria-invalid="true"' in html
    assert 'id="f-tre-ngay_sinh-error"' in html
    assert (
        'aria-describedby="f-nguoi_yeu_cau-so_dinh_danh-help f-nguoi_yeu_cau-so_dinh_danh-error"'
        in html
    )
    assert "<legend>Người yêu cầu</legend>" in html
    assert 'name="ban_sao[0].so_ban"' in html
    assert '<option value="nam" selected>Nam</option>' in html
    assert 'name="nguoi_yeu_cau.noi_cu_tru.commune_code"' in html


def test_post_round_trip():
    post = {
        "nguoi_yeu_cau.ho_ten": "An",
        "nguoi_yeu_cau.noi_cu_tru.commune_code": "99001",
        "nguoi_yeu_cau.noi_cu_tru.street": "Số 1",
        "ban_sao[0].so_ban": "2",
        "ban_sao[1].so_ban": "",
        "nhan_qua_buu_chinh": "on",
    }
    data = eforms.data_from_post(SCHEMA, post)
    assert data["nguoi_yeu_cau"]["noi_cu_tru"] == {"commune_code": "99001", "street": "Số 1"}
    assert data["ban_sao"] == [{"so_ban": "2", "ghi_chu": ""}]
    assert data["nhan_qua_buu_chinh"] is True


@pytest.mark.django_db
def test_configured_procedure_pins_the_eform(catalog, province):
    (eform,) = eforms_seed(actor=None)
    assert eform.status == VersionStatus.PUBLISHED and eform.procedure.code == "1.001193"
    assert eforms_seed(actor=None) == [eform]
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None
    configured = configured_procedure_configure(
        actor=None, agency=province.agency_a, procedure_version=version
    )
    assert configured_procedure_version_eform_schema(version=configured) == SCHEMA
    docs = configured_procedure_version_documents(version=configured)
    assert docs[0].name == "Tờ khai đăng ký khai sinh" and len(docs) == 7
    # real units: 99001 is the test province's commune
    data = valid_data()
    assert eforms.validate(SCHEMA, data) == {}
    with pytest.raises(EFormInvalid):
        eform_create(actor=None, procedure=version.procedure, schema={"type": "string"})


def test_plain_enum_choice():
    schema = {
        "type": "object",
        "required": ["nhom_mau"],
        "properties": {
            "nhom_mau": {"type": "string", "title": "Nhóm máu", "enum": ["A", "B", "O"]}
        },
    }
    assert eforms.check_schema(schema) == []
    assert eforms.validate(schema, {"nhom_mau": "O"}) == {}
    assert eforms.validate(schema, {"nhom_mau": "Z"}) == {
        "nhom_mau": ["Vui lòng chọn một giá trị có trong danh sách nhóm máu."]
    }
    assert '<option value="B">B</option>' in eforms.render(schema)
