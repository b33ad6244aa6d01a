"""Forms that guide and do not ask for what the system knows: plausibility
rules declared in the schema, the GOV.UK error summary, instant checks kept
beside their field, prefill from the account and from earlier dossiers,
the commune picker, and the declaration filled online instead of uploaded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import Applicant
from motcua.catalog import eforms
from motcua.catalog.models import DocumentComponent
from motcua.core.errors import DomainError
from motcua.documents.tests.factories import handmade_pdf
from motcua.dossiers import drafts
from motcua.dossiers.models import DossierDraft
from motcua.portal.tests.helpers import GOOD_FORM, components, filed
from motcua.testing import PASSWORD
from motcua.units.models import AdministrativeUnit, Generation, Level, UnitSuccession

TODAY = datetime.date(2026, 3, 15)


def _login(client: Any) -> None:
    assert client.login(username="congdan", password=PASSWORD)


# ------------------------------------------------------- plausibility rules

BIRTH: dict[str, Any] = {
    "type": "object",
    "required": ["tre"],
    "properties": {
        "tre": {
            "type": "object",
            "title": "Người được khai sinh",
            "required": ["ho_ten", "ngay_sinh"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên"},
                "ngay_sinh": {
                    "type": "string",
                    "format": "date",
                    "title": "Ngày sinh",
                    "notFuture": True,
                },
            },
        },
        "nguoi_lam_chung": {
            "type": "object",
            "title": "Người làm chứng",
            "properties": {
                "ngay_sinh": {
                    "type": "string",
                    "format": "date",
                    "title": "Ngày sinh người làm chứng",
                    "minAge": 18,
                    "maxAge": 120,
                },
                "noi_o": {"type": "object", "format": "vn-address", "title": "Nơi ở"},
            },
        },
        "con": {
            "type": "array",
            "title": "Con",
            "items": {
                "type": "object",
                "required": ["ten"],
                "properties": {"ten": {"type": "string", "title": "Tên"}},
            },
        },
    },
}


def _validate(data: dict[str, Any]) -> dict[str, list[str]]:
    return eforms.validate(BIRTH, data, commune_exists=lambda code: code == "99001", today=TODAY)


def test_rules_are_a_supported_part_of_the_schema() -> None:
    assert eforms.check_schema(BIRTH) == []
    bad = {"type": "object", "properties": {"x": {"type": "string", "notFuture": True}}}
    assert eforms.check_schema(bad) == ["x: quy tắc ngày chỉ dùng cho trường ngày."]
    bad_age = {
        "type": "object",
        "properties": {"d": {"type": "string", "format": "date", "minAge": "18"}},
    }
    assert eforms.check_schema(bad_age) == ["d: quy tắc ngày không hợp lệ."]


def test_a_birth_date_in_the_future_is_refused() -> None:
    errors = _validate({"tre": {"ho_ten": "Khôi", "ngay_sinh": "2026-03-16"}})
    assert errors == {"tre.ngay_sinh": ["Ngày sinh không được sau hôm nay (15/03/2026)."]}
    assert _validate({"tre": {"ho_ten": "Khôi", "ngay_sinh": "2026-03-15"}}) == {}


def test_min_and_max_age() -> None:
    child = {"tre": {"ho_ten": "Khôi", "ngay_sinh": "2026-01-01"}}
    young = _validate({**child, "nguoi_lam_chung": {"ngay_sinh": "2008-03-16"}})
    assert young == {
        "nguoi_lam_chung.ngay_sinh": ["Ngày sinh người làm chứng: người này phải đủ 18 tuổi."]
    }
    assert _validate({**child, "nguoi_lam_chung": {"ngay_sinh": "2008-03-15"}}) == {}
    old = _validate({**child, "nguoi_lam_chung": {"ngay_sinh": "1905-03-14"}})
    assert "không quá 120 tuổi" in old["nguoi_lam_chung.ngay_sinh"][0]


def test_the_browser_gets_the_same_bounds() -> None:
    html = eforms.render(BIRTH, {}, {}, today=TODAY)
    assert 'max="2026-03-15"' in html
    assert 'min="1905-03-16" max="2008-03-15"' in html
    assert eforms.date_bounds(BIRTH["properties"]["tre"]["properties"]["ngay_sinh"], TODAY) == (
        None,
        TODAY,
    )


# ------------------------------------------------------------ error summary


def test_an_empty_required_group_reports_its_fields() -> None:
    errors = _validate({})
    assert set(errors) == {"tre.ho_ten", "tre.ngay_sinh"}


def test_error_summary_links_each_message_to_an_input_that_exists() -> None:
    errors = {
        "tre.ngay_sinh": ["Sai ngày."],
        "nguoi_lam_chung": ["Cả nhóm sai."],
        "nguoi_lam_chung.noi_o.commune_code": ["Chọn xã."],
        "con": ["Cần ít nhất 1 mục."],
        "con[0].ten": ["Nhập tên."],
        "__all__": ["Lỗi chung."],
    }
    summary = eforms.error_summary(BIRTH, errors)
    assert summary == [
        {"href": "#f-tre-ngay_sinh", "message": "Sai ngày."},
        {"href": "#f-nguoi_lam_chung-ngay_sinh", "message": "Cả nhóm sai."},
        {"href": "#f-nguoi_lam_chung-noi_o-commune_code", "message": "Chọn xã."},
        {"href": "#f-con-0--ten", "message": "Cần ít nhất 1 mục."},
        {"href": "#f-con-0--ten", "message": "Nhập tên."},
        {"href": "", "message": "Lỗi chung."},
    ]
    html = eforms.render(BIRTH, {}, errors, today=TODAY)
    for line in summary:
        if line["href"]:
            assert f'id="{line["href"][1:]}"' in html
    # The group's own error is shown in the group, and the field's beside it.
    assert 'id="f-nguoi_lam_chung-error"' in html
    assert "Sai ngày." in html.split('id="f-tre-ngay_sinh-error"', 1)[1][:80]


def test_every_aria_describedby_points_at_an_element() -> None:
    import re

    html = eforms.render(BIRTH, {}, _validate({}), today=TODAY, prefilled={"tre.ho_ten": "account"})
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    refs = [r for d in re.findall(r'aria-describedby="([^"]+)"', html) for r in d.split()]
    assert refs and all(ref in ids for ref in refs)


def test_error_slots_update_only_the_changed_fields() -> None:
    html = eforms.error_slots(["tre.ho_ten", "tre.ngay_sinh"], {"tre.ngay_sinh": ["Sai."]})
    assert '<p class="error" id="f-tre-ho_ten-error" hx-swap-oob="true"></p>' in html
    assert 'id="f-tre-ngay_sinh-error" hx-swap-oob="true"><span class="visually-hidden">' in html


@pytest.mark.django_db
def test_instant_check_lands_beside_the_field_and_stays_until_fixed(
    client, personas, portal_procedure
):
    _login(client)
    url = f"/nop-ho-so/{portal_procedure.public_id}/tu-dong-luu/"
    client.get(f"/nop-ho-so/{portal_procedure.public_id}/")
    bad = client.post(url, {"ho_ten": "A", "ngay_sinh": ""}, HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert (
        'id="f-ho_ten-error" hx-swap-oob="true"><span class="visually-hidden">Lỗi: </span>' in body
    )
    assert "cần ít nhất 2 ký tự" in body
    # Another field changes: the first one's slot is not touched (kept).
    other = client.post(
        url, {"ho_ten": "A", "ngay_sinh": "2000-01-01"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="f-ho_ten-error"' not in other
    assert '<p class="error" id="f-ngay_sinh-error" hx-swap-oob="true"></p>' in other
    # A full page load still shows it beside the field (no summary: nothing was refused),
    # and no message for the fields not filled in yet.
    page = client.get(f"/nop-ho-so/{portal_procedure.public_id}/").content.decode()
    assert 'id="f-ho_ten-error"><span class="visually-hidden">Lỗi: </span>' in page
    assert "Có lỗi cần sửa" not in page
    assert '<p class="error" id="f-so_ban-error"></p>' in page
    fixed = client.post(
        url, {"ho_ten": "An", "ngay_sinh": "2000-01-01"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<p class="error" id="f-ho_ten-error" hx-swap-oob="true"></p>' in fixed


# ------------------------------------------------------------------ prefill

REQUESTER: dict[str, Any] = {
    "type": "object",
    "title": "Tờ khai",
    "properties": {
        "nguoi_yeu_cau": {
            "type": "object",
            "title": "Người yêu cầu",
            "prefill": "applicant",
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ tên"},
                "so_dinh_danh": {"type": "string", "format": "personal-id", "title": "Số"},
                "so_dien_thoai": {"type": "string", "title": "Điện thoại"},
                "email": {"type": "string", "title": "Thư"},
                "noi_cu_tru": {"type": "object", "format": "vn-address", "title": "Nơi cư trú"},
                "nghe_nghiep": {"type": "string", "title": "Nghề nghiệp"},
            },
        },
        "me": {
            "type": "object",
            "title": "Mẹ",
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ tên"},
                "so_dinh_danh": {"type": "string", "format": "personal-id", "title": "Số"},
            },
        },
    },
}


def _use_schema(procedure: Any, schema: dict[str, Any]) -> None:
    cpv = procedure.current_version
    cpv.eform.schema = schema
    cpv.eform.save(update_fields=["schema"])


@pytest.mark.django_db
def test_prefill_from_the_account_only_for_the_applicant(personas, portal_procedure):
    _use_schema(portal_procedure, REQUESTER)
    Applicant.objects.filter(user=personas.citizen).update(
        phone="0912345678",
        email="an@example.vn",
        address="Số 5, đường Lê Lợi",
        address_unit=personas.place.commune_a,
    )
    draft = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    assert draft.form_data == {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "086190000123",
            "so_dien_thoai": "0912345678",
            "email": "an@example.vn",
            "noi_cu_tru": {"commune_code": "99001", "street": "Số 5, đường Lê Lợi"},
        }
    }  # the mother's fields are not the applicant's
    paths = drafts.prefilled_paths(draft)
    assert paths["nguoi_yeu_cau.so_dinh_danh"] == "account"
    assert paths["nguoi_yeu_cau.noi_cu_tru.commune_code"] == "account"


@pytest.mark.django_db
def test_prefill_from_an_earlier_dossier(personas, portal_procedure):
    _use_schema(portal_procedure, REQUESTER)
    earlier = filed(personas.citizen, portal_procedure)
    earlier.form_data = {
        "nguoi_yeu_cau": {
            "nghe_nghiep": "Nông dân",
            "noi_cu_tru": {"commune_code": "99002", "street": "Ấp 3"},
        }
    }
    earlier.save(update_fields=["form_data"])
    draft = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    group = draft.form_data["nguoi_yeu_cau"]
    assert group["nghe_nghiep"] == "Nông dân"
    assert group["noi_cu_tru"] == {"commune_code": "99002", "street": "Ấp 3"}
    assert drafts.prefilled_paths(draft)["nguoi_yeu_cau.nghe_nghiep"] == "dossier"


@pytest.mark.django_db
def test_the_prefilled_note_is_shown_and_goes_once_changed(client, personas, portal_procedure):
    _use_schema(portal_procedure, REQUESTER)
    _login(client)
    url = f"/nop-ho-so/{portal_procedure.public_id}/"
    page = client.get(url).content.decode()
    note = 'id="f-nguoi_yeu_cau-so_dinh_danh-prefill">Lấy từ tài khoản của bạn'
    assert note in page
    assert 'aria-describedby="f-nguoi_yeu_cau-so_dinh_danh-prefill' in page
    client.post(
        url + "?buoc=to-khai",
        {"nguoi_yeu_cau.so_dinh_danh": "086190000456", "action": "save"},
    )
    assert note not in client.get(url).content.decode()


# ------------------------------------------------------------ commune picker


@pytest.fixture
def former_commune(personas: Any) -> AdministrativeUnit:
    """A pre-2025 commune merged into commune A."""

    def legacy(level: str, code: str, name: str, **more: Any) -> AdministrativeUnit:
        return AdministrativeUnit.objects.create(
            generation=Generation.LEGACY,
            level=level,
            code=code,
            name=name,
            division_type=name.split(" ")[0].lower(),
            codename=f"u{code}",
            **more,
        )

    old_province = legacy(Level.PROVINCE, "98", "Tỉnh Cũ")
    old = legacy(
        Level.COMMUNE, "98001", "Xã Mỹ Thạnh An", parent=old_province, province=old_province
    )
    UnitSuccession.objects.create(old=old, new=personas.place.commune_a)
    return old


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Đông Hòa", "dong hoa", "DONG HOA"])
def test_commune_picker_with_and_without_diacritics(client, personas, typed):
    page = client.get("/xa-phuong/", {"nguoi_yeu_cau.noi_cu_tru.commune_code": typed})
    body = page.content.decode()
    assert 'data-commune-code="99001"' in body
    assert "Xã Đông Hòa, Tỉnh Thử Nghiệm" in body
    assert 'data-commune-code="99002"' not in body


@pytest.mark.django_db
def test_commune_picker_resolves_a_pre_2025_name(client, personas, former_commune):
    body = client.get("/xa-phuong/", {"q": "my thanh an"}).content.decode()
    assert 'data-commune-code="99001"' in body
    assert "(trước đây: Xã Mỹ Thạnh An)" in body


@pytest.mark.django_db
def test_commune_picker_says_when_nothing_matches(client, personas):
    body = client.get("/xa-phuong/", {"q": "khong co xa nay"}).content.decode()
    assert "Không tìm thấy xã, phường nào tên “khong co xa nay”" in body
    assert (
        "Hãy gõ tên xã, phường bằng chữ" in client.get("/xa-phuong/", {"q": "!!!"}).content.decode()
    )
    assert client.get("/xa-phuong/", {"q": "28756"}).content.decode().strip() == ""


@pytest.mark.django_db
def test_a_commune_name_typed_without_javascript_is_resolved_on_save(
    client, personas, portal_procedure, former_commune
):
    _use_schema(portal_procedure, REQUESTER)
    _login(client)
    url = f"/nop-ho-so/{portal_procedure.public_id}/"
    client.post(
        url + "?buoc=to-khai",
        {"nguoi_yeu_cau.noi_cu_tru.commune_code": "Mỹ Thạnh An", "action": "save"},
    )
    saved = DossierDraft.objects.get().form_data["nguoi_yeu_cau"]["noi_cu_tru"]
    assert saved["commune_code"] == "99001"
    page = client.get(url).content.decode()
    assert "Đã chọn: Xã Đông Hòa, Tỉnh Thử Nghiệm" in page
    assert 'hx-get="/xa-phuong/"' in page
    # An unknown name stays as typed and is explained.
    client.post(
        url + "?buoc=to-khai",
        {"nguoi_yeu_cau.noi_cu_tru.commune_code": "Tân Hưng", "action": "save"},
    )
    errors = drafts.draft_check_form(draft=DossierDraft.objects.get())
    assert (
        "Không tìm được đúng một xã, phường tên “Tân Hưng”"
        in errors["nguoi_yeu_cau.noi_cu_tru.commune_code"][0]
    )


# ------------------------------------------------------ declaration by e-form


@pytest.fixture
def declaration(portal_procedure: Any) -> DocumentComponent:
    cpv = portal_procedure.current_version
    return DocumentComponent.objects.create(
        version_id=cpv.procedure_version_id,
        position=0,
        name="Tờ khai cấp bản sao trích lục",  # the e-form's title
        required=True,
    )


@pytest.mark.django_db
def test_the_declaration_is_not_asked_for_as_an_upload(
    client, personas, portal_procedure, declaration
):
    _login(client)
    url = f"/nop-ho-so/{portal_procedure.public_id}/"
    draft = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    assert drafts.declaration_component(draft) == declaration
    page = client.get(url + "?buoc=giay-to").content.decode()
    block = page.split(f'id="thanh-phan-{declaration.pk}"', 1)[1].split('class="card"', 1)[0]
    assert "Đã điền trực tuyến ở bước 1 — không cần tải lên" in block
    assert 'type="file"' not in block
    with pytest.raises(DomainError) as refused:
        drafts.draft_attach(
            draft=draft,
            actor=personas.citizen,
            component_id=declaration.pk,
            uploaded=SimpleUploadedFile("to-khai.pdf", handmade_pdf()),
        )
    assert refused.value.code == "component_filled_by_form"


@pytest.mark.django_db
def test_the_generated_declaration_pdf_is_attached_at_submission(
    personas, portal_procedure, declaration
):
    draft = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    drafts.draft_save_field(draft=draft, actor=personas.citizen, post=GOOD_FORM)
    first = components(portal_procedure)[1]  # the ID copy (position 1)
    assert first.name == "Bản sao căn cước"
    drafts.draft_attach(
        draft=draft,
        actor=personas.citizen,
        component_id=first.pk,
        reused=None,
        uploaded=SimpleUploadedFile("cccd.pdf", handmade_pdf()),
    )
    dossier = drafts.draft_submit(draft=draft, actor=personas.citizen)
    document = dossier.documents.get(component=declaration)
    content = document.file.file.open("rb").read()
    assert content.startswith(b"%PDF")
    assert document.file.name == "to-khai.pdf"


# ------------------------------------------------- contact details of the account


@pytest.mark.django_db
def test_contact_details_on_the_account_feed_the_prefill(
    client, personas, portal_procedure, former_commune
):
    _login(client)
    page = client.get("/tai-khoan/").content.decode()
    assert "Thông tin liên hệ" in page and 'hx-get="/xa-phuong/"' in page
    resp = client.post(
        "/tai-khoan/",
        {
            "phone": "0912345678",
            "email": "an@example.vn",
            "address": "Ấp Mỹ Hòa",
            "commune": "my thanh an",  # the pre-2025 name, resolved to its successor
        },
    )
    assert resp.status_code == 302
    applicant = Applicant.objects.get(user=personas.citizen)
    assert applicant.address_unit == personas.place.commune_a
    assert applicant.email == "an@example.vn"
    personas.citizen.refresh_from_db()
    assert personas.citizen.email == "an@example.vn"  # where password recovery writes
    assert "Đã chọn: Xã Đông Hòa, Tỉnh Thử Nghiệm" in client.get("/tai-khoan/").content.decode()
    _use_schema(portal_procedure, REQUESTER)
    draft = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    assert draft.form_data["nguoi_yeu_cau"]["noi_cu_tru"] == {
        "commune_code": "99001",
        "street": "Ấp Mỹ Hòa",
    }


@pytest.mark.django_db
def test_an_unknown_commune_on_the_account_is_explained(client, personas):
    _login(client)
    resp = client.post("/tai-khoan/", {"commune": "Không Có Xã Này", "email": ""})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Có lỗi cần sửa" in body and 'href="#id_commune"' in body
    assert "Không tìm được đúng một xã, phường tên “Không Có Xã Này”" in body
    assert Applicant.objects.get(user=personas.citizen).address_unit is None


@pytest.mark.django_db
def test_contact_update_only_by_the_applicant_themself(personas):
    from motcua.accounts.services import applicant_update_contact
    from motcua.core.errors import NotFound

    applicant = Applicant.objects.get(user=personas.citizen)
    blank = {"phone": "", "email": "", "address": ""}
    with pytest.raises(NotFound):
        applicant_update_contact(
            actor=personas.officer, applicant=applicant, address_unit=None, **blank
        )
    with pytest.raises(DomainError) as wrong:
        applicant_update_contact(
            actor=personas.citizen,
            applicant=applicant,
            address_unit=personas.place.province,
            **blank,
        )
    assert wrong.value.code == "commune_invalid"


@pytest.mark.django_db
def test_supplementation_errors_are_summarised_and_linked(client, personas, portal_procedure):
    from motcua.portal.tests.helpers import accepted_and_asked

    photo = components(portal_procedure)[1]
    dossier = accepted_and_asked(
        filed(personas.citizen, portal_procedure),
        personas.officer,
        component=photo,
        text="Ảnh mờ",
    )
    _login(client)
    resp = client.post(f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {"version": dossier.version})
    body = resp.content.decode()
    assert resp.status_code == 422
    assert "Có lỗi cần sửa" in body
    assert f'<a href="#tep-{photo.pk}">Vui lòng tải lên giấy tờ được yêu cầu.</a>' in body
    assert f'aria-describedby="loi-{photo.pk}" aria-invalid="true"' in body
    assert f'id="loi-{photo.pk}"' in body
