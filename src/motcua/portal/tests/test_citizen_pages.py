"""The citizens' portal with the Django test client: drafts (autosave,
uploads checked at once, idempotent submission), ownership, my dossiers,
supplementation, result download, withdrawal and public tracking."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import NotFound
from motcua.documents.models import CitizenDocument, DocumentSource
from motcua.documents.services import citizen_document_add
from motcua.documents.tests.factories import handmade_pdf, png_bytes
from motcua.dossiers import drafts
from motcua.dossiers.models import (
    AccessChannel,
    Dossier,
    DossierAccessLog,
    DossierDraft,
)
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import upload
from motcua.portal.tests.helpers import (
    GOOD_FORM,
    accepted_and_asked,
    components,
    decided_with_result,
    filed,
)
from motcua.testing import PASSWORD, make_citizen

pytestmark = pytest.mark.django_db


def _login(client: Any, username: str = "congdan") -> None:
    assert client.login(username=username, password=PASSWORD)


def _url(procedure: ConfiguredProcedure, suffix: str = "") -> str:
    return f"/nop-ho-so/{procedure.public_id}/{suffix}"


# ------------------------------------------------------------------ drafts


def test_filing_needs_login_and_comes_back_to_the_procedure(client, portal_procedure):
    resp = client.get(_url(portal_procedure))
    assert resp.status_code == 302
    assert resp["Location"].startswith("/dang-nhap/?next=")
    assert str(portal_procedure.public_id) in resp["Location"]
    assert not DossierDraft.objects.exists()


def test_one_open_draft_per_procedure_resumes(personas, portal_procedure):
    first = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    again = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    assert first.pk == again.pk
    assert DossierDraft.objects.count() == 1


def test_autosave_stores_the_field_and_reports_only_its_problem(client, personas, portal_procedure):
    _login(client)
    client.get(_url(portal_procedure))
    resp = client.post(
        _url(portal_procedure, "tu-dong-luu/"),
        {"ho_ten": "Nguyễn Văn Ân"},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Đã lưu lúc" in body
    assert "Vui lòng nhập" not in body  # ngay_sinh is empty but was not touched
    draft = DossierDraft.objects.get(owner=personas.citizen)
    assert draft.form_data["ho_ten"] == "Nguyễn Văn Ân"

    resp = client.post(
        _url(portal_procedure, "tu-dong-luu/"),
        {"ho_ten": "Nguyễn Văn Ân", "ngay_sinh": "17/05/1990"},
        HTTP_HX_REQUEST="true",
    )
    assert "không phải ngày hợp lệ" in resp.content.decode()
    draft.refresh_from_db()
    assert draft.form_data["ngay_sinh"] == "17/05/1990"  # kept, nothing typed is lost


def test_form_data_over_its_limit_is_said_in_place_and_not_saved(
    client, personas, portal_procedure, settings
):
    settings.MOTCUA_FORM_DATA_MAX_BYTES = 100
    _login(client)
    client.get(_url(portal_procedure))
    long_name = "Nguyễn Văn " + "Ân" * 100
    resp = client.post(
        _url(portal_procedure, "tu-dong-luu/"), {"ho_ten": long_name}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 200 and "Tờ khai quá lớn" in resp.content.decode()
    resp = client.post(_url(portal_procedure), {"ho_ten": long_name, "action": "next"})
    assert resp.status_code == 422 and "Tờ khai quá lớn" in resp.content.decode()
    draft = DossierDraft.objects.get(owner=personas.citizen)
    assert draft.form_data.get("ho_ten") != long_name


def test_autosave_after_the_session_expired_says_so_in_place(client, portal_procedure):
    resp = client.post(
        _url(portal_procedure, "tu-dong-luu/"), {"ho_ten": "An"}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 200
    assert "Phiên đăng nhập đã hết hạn" in resp.content.decode()
    assert not DossierDraft.objects.exists()


def test_save_button_without_javascript(client, personas, portal_procedure):
    _login(client)
    resp = client.post(
        _url(portal_procedure) + "?buoc=to-khai", {"ho_ten": "Trần Thị Bình", "action": "save"}
    )
    assert resp.status_code == 200
    assert "Đã lưu lúc" in resp.content.decode()
    assert DossierDraft.objects.get().form_data["ho_ten"] == "Trần Thị Bình"


def test_next_with_an_invalid_form_stays_and_shows_errors(client, personas, portal_procedure):
    _login(client)
    resp = client.post(_url(portal_procedure) + "?buoc=to-khai", {"ho_ten": "A"})
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "Có lỗi cần sửa" in body and 'aria-invalid="true"' in body
    # The summary links each message to its field, and the message sits beside it.
    assert '<a href="#f-ho_ten">Họ và tên người yêu cầu cần ít nhất 2 ký tự.</a>' in body
    assert '<a href="#f-ngay_sinh">Vui lòng nhập ngày sinh.</a>' in body
    assert 'id="f-ngay_sinh-error"><span class="visually-hidden">Lỗi: </span>Vui lòng' in body
    assert DossierDraft.objects.get().step == "form"


def test_empty_file_is_refused_at_once_with_its_reason(client, personas, portal_procedure):
    _login(client)
    client.get(_url(portal_procedure))
    first = components(portal_procedure)[0]
    resp = client.post(
        _url(portal_procedure, f"giay-to/{first.pk}/"),
        {"file": SimpleUploadedFile("can-cuoc.jpg", b"", content_type="image/jpeg")},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Tệp bị từ chối" in body and "rỗng" in body.lower()
    assert DossierDraft.objects.get().attachments == []


def test_disguised_file_is_refused(client, personas, portal_procedure):
    _login(client)
    first = components(portal_procedure)[0]
    resp = client.post(
        _url(portal_procedure, f"giay-to/{first.pk}/"),
        {"file": SimpleUploadedFile("anh.jpg", b"MZ\x90\x00not an image at all")},
    )
    assert resp.status_code == 422
    assert "Tệp bị từ chối" in resp.content.decode()
    assert DossierDraft.objects.get().attachments == []


def test_image_upload_shows_thumbnail_name_and_size(client, personas, portal_procedure):
    _login(client)
    first = components(portal_procedure)[0]
    resp = client.post(
        _url(portal_procedure, f"giay-to/{first.pk}/"),
        {"file": SimpleUploadedFile("can-cuoc.png", png_bytes((200, 120)))},
        HTTP_HX_REQUEST="true",
    )
    body = resp.content.decode()
    draft = DossierDraft.objects.get()
    assert len(draft.attachments) == 1
    file_id = draft.attachments[0]["file"]
    assert f"/tep/{file_id}/anh-nho/" in body
    assert "can-cuoc.png" in body
    thumb = client.get(f"/tep/{file_id}/anh-nho/")
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"  # a JPEG
    # Another citizen cannot see it.
    make_citizen("congdan2", "086190000456")
    _login(client, "congdan2")
    assert client.get(f"/tep/{file_id}/anh-nho/").status_code == 404


def test_reuse_a_document_from_the_store(client, personas, portal_procedure):
    applicant = Applicant.objects.get(user=personas.citizen)
    doc = citizen_document_add(
        actor=personas.citizen,
        owner=applicant,
        stored_file=upload(personas.citizen, "cccd.pdf"),
        kind="can_cuoc",
        name="Căn cước của tôi",
        source=DocumentSource.UPLOAD,
    )
    _login(client)
    resp = client.get(_url(portal_procedure) + "?buoc=giay-to")
    assert "Dùng giấy tờ trong kho" in resp.content.decode()
    first, second = components(portal_procedure)
    client.post(_url(portal_procedure, f"giay-to/{first.pk}/"), {"reused": str(doc.public_id)})
    assert DossierDraft.objects.get().attachments[0]["reused"] == str(doc.public_id)
    # Not for a component that is not reusable.
    resp = client.post(
        _url(portal_procedure, f"giay-to/{second.pk}/"), {"reused": str(doc.public_id)}
    )
    assert resp.status_code == 422
    assert "không được lấy từ kho" in resp.content.decode()


def _fill_everything(client: Any, procedure: ConfiguredProcedure) -> DossierDraft:
    first = components(procedure)[0]
    resp = client.post(_url(procedure) + "?buoc=to-khai", GOOD_FORM)
    assert resp.status_code == 302 and resp["Location"].endswith("?buoc=giay-to")
    client.post(
        _url(procedure, f"giay-to/{first.pk}/"),
        {"file": SimpleUploadedFile("cccd.pdf", handmade_pdf())},
    )
    resp = client.post(_url(procedure) + "?buoc=giay-to")
    assert resp["Location"].endswith("?buoc=nhan-ket-qua")
    resp = client.post(_url(procedure) + "?buoc=nhan-ket-qua", {"result_delivery": "post"})
    assert resp["Location"].endswith("?buoc=xem-lai")
    return DossierDraft.objects.get()


def test_full_submission_and_double_click_give_one_dossier(client, personas, portal_procedure):
    _login(client)
    draft = _fill_everything(client, portal_procedure)
    review = client.get(_url(portal_procedure) + "?buoc=xem-lai").content.decode()
    assert "Nguyễn Văn An" in review and "cccd.pdf" in review
    assert "Nhận qua dịch vụ bưu chính" in review
    assert "<dt>Ngày sinh</dt><dd>17/05/1990</dd>" in review  # read as a date, not ISO
    first = client.post(_url(portal_procedure, "nop/"), {"draft": str(draft.public_id)})
    second = client.post(_url(portal_procedure, "nop/"), {"draft": str(draft.public_id)})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    dossier = Dossier.objects.get()
    assert dossier.state == State.SUBMITTED
    assert dossier.result_delivery == "post"
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn An"
    assert dossier.documents.get().file.name == "cccd.pdf"
    assert dossier.idempotency_key == f"draft-{draft.public_id}"
    page = client.get(first["Location"]).content.decode()
    assert dossier.code in page
    assert "khi hồ sơ được tiếp nhận" in page
    assert f"/tra-cuu/?ma={dossier.code}&amp;t={dossier.tracking_token}" in page
    # The submitted draft no longer shows as open; a new visit starts afresh.
    assert not drafts.drafts_of_user(user=personas.citizen).exists()


def test_submission_without_required_document_is_refused_on_review(
    client, personas, portal_procedure
):
    _login(client)
    client.post(_url(portal_procedure) + "?buoc=to-khai", GOOD_FORM)
    client.post(_url(portal_procedure) + "?buoc=giay-to")
    client.post(_url(portal_procedure) + "?buoc=nhan-ket-qua", {"result_delivery": "online"})
    draft = DossierDraft.objects.get()
    resp = client.post(_url(portal_procedure, "nop/"), {"draft": str(draft.public_id)})
    assert resp.status_code == 422
    assert "Bản sao căn cước" in resp.content.decode()
    assert not Dossier.objects.exists()


def test_another_citizen_cannot_reach_my_draft(client, personas, portal_procedure):
    mine = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    other = make_citizen("congdan2", "086190000456")
    with pytest.raises(NotFound):
        drafts.draft_get_for_user(user=other, public_id=mine.public_id)
    _login(client, "congdan2")
    resp = client.post(_url(portal_procedure, "nop/"), {"draft": str(mine.public_id)})
    assert resp.status_code == 404
    assert not Dossier.objects.exists()
    # Their own visit opens their own draft, empty.
    client.get(_url(portal_procedure))
    assert DossierDraft.objects.filter(owner=other).get().form_data == {"ho_ten": "Nguyễn Văn An"}


# ------------------------------------------------------------ my dossiers


def test_my_dossiers_lists_state_and_next_step(client, personas, portal_procedure):
    d = filed(personas.citizen, portal_procedure)
    _login(client)
    body = client.get("/ho-so-cua-toi/").content.decode()
    assert d.code in body and "Mới đăng ký" in body and "Chờ bộ phận một cửa tiếp nhận" in body
    page = client.get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    assert "Nộp hồ sơ" in page  # timeline
    assert DossierAccessLog.objects.filter(dossier=d, channel=AccessChannel.WEB).exists()


def test_another_citizen_gets_404_for_my_dossier_and_result(client, personas, portal_procedure):
    p = personas
    d = decided_with_result(filed(p.citizen, portal_procedure), p.officer, p.specialist, p.leader)
    result = d.documents.get(kind="result")
    make_citizen("congdan2", "086190000456")
    _login(client, "congdan2")
    assert client.get(f"/ho-so-cua-toi/{d.code}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{d.code}/ket-qua/{result.public_id}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{d.code}/rut/").status_code == 404


def test_result_download_by_owner_is_logged(client, personas, portal_procedure):
    p = personas
    d = decided_with_result(filed(p.citizen, portal_procedure), p.officer, p.specialist, p.leader)
    result = d.documents.get(kind="result")
    _login(client)
    listing = client.get("/ho-so-cua-toi/").content.decode()
    assert "Đã có kết quả — tải về" in listing
    before = DossierAccessLog.objects.filter(dossier=d).count()
    resp = client.get(f"/ho-so-cua-toi/{d.code}/ket-qua/{result.public_id}/")
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content).startswith(b"%PDF")
    assert "attachment" in resp["Content-Disposition"]
    assert DossierAccessLog.objects.filter(dossier=d).count() == before + 1
    # An input document is not downloadable through the result view.
    form_doc = d.documents.get(kind="input")
    assert client.get(f"/ho-so-cua-toi/{d.code}/ket-qua/{form_doc.public_id}/").status_code == 404


def test_supplementation_shows_the_parts_and_uploads_only_those(client, personas, portal_procedure):
    p = personas
    photo = components(portal_procedure)[1]
    d = accepted_and_asked(
        filed(p.citizen, portal_procedure), p.officer, component=photo, text="Ảnh bị mờ"
    )
    _login(client)
    page = client.get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    assert "Cần bổ sung" in page and "Ảnh bị mờ" in page
    form = client.get(f"/ho-so-cua-toi/{d.code}/bo-sung/").content.decode()
    assert "Ảnh chụp giấy tờ liên quan" in form and "Bản chụp, bản quét không đọc được" in form
    assert f'name="file-{photo.pk}"' in form
    assert "Bản sao căn cước" not in form  # not requested, not asked again
    # Without the file: refused, nothing changes.
    resp = client.post(f"/ho-so-cua-toi/{d.code}/bo-sung/", {"version": d.version})
    assert resp.status_code == 422
    assert Dossier.objects.get().state == State.SUPPLEMENTING
    resp = client.post(
        f"/ho-so-cua-toi/{d.code}/bo-sung/",
        {
            "version": d.version,
            f"file-{photo.pk}": SimpleUploadedFile("anh-ro.png", png_bytes()),
            "note": "Đã chụp lại",
        },
    )
    assert resp.status_code == 302
    d.refresh_from_db()
    assert d.state == State.PROCESSING
    assert d.documents.get(kind="supplement").component_id == photo.pk


def test_withdraw_after_confirmation(client, personas, portal_procedure):
    d = filed(personas.citizen, portal_procedure)
    _login(client)
    confirm = client.get(f"/ho-so-cua-toi/{d.code}/rut/").content.decode()
    assert "Xác nhận rút hồ sơ" in confirm
    assert Dossier.objects.get().state == State.SUBMITTED
    resp = client.post(f"/ho-so-cua-toi/{d.code}/rut/", {"version": d.version, "reason": "Nhầm"})
    assert resp.status_code == 302
    assert Dossier.objects.get().state == State.WITHDRAWN


def test_a_garbled_version_is_an_error_on_the_page_not_a_crash(client, personas, portal_procedure):
    d = filed(personas.citizen, portal_procedure)
    _login(client)
    for version in ("abc", "²", "9" * 40):
        resp = client.post(f"/ho-so-cua-toi/{d.code}/rut/", {"version": version, "reason": "Nhầm"})
        assert resp.status_code == 200, version
        assert "Vui lòng nhập một số nguyên" in resp.content.decode()
    assert Dossier.objects.get().state == State.SUBMITTED


# ----------------------------------------------------------------- tracking


def test_public_tracking_shows_no_personal_data_and_does_not_enumerate(
    client, personas, portal_procedure
):
    d = filed(personas.citizen, portal_procedure)
    ok = client.get("/tra-cuu/", {"ma": d.code, "so": "0123"})
    body = ok.content.decode()
    assert ok.status_code == 200
    assert "Mới đăng ký" in body and "UBND Xã Đông Hòa" in body
    for secret in ("Nguyễn Văn An", "086190000123", d.tracking_token):
        assert secret not in body
    by_link = client.get("/tra-cuu/", {"ma": d.code, "t": d.tracking_token})
    assert by_link.status_code == 200 and d.code in by_link.content.decode()
    wrong_factor = client.get("/tra-cuu/", {"ma": d.code, "so": "9999"})
    wrong_code = client.get("/tra-cuu/", {"ma": d.code + "9", "so": "0123"})
    assert wrong_factor.status_code == wrong_code.status_code == 404
    message = "Không tìm thấy hồ sơ."
    assert message in wrong_factor.content.decode() and message in wrong_code.content.decode()
    assert wrong_factor.content.replace(b"9999", b"").count(b"error") == (
        wrong_code.content.count(b"error")
    )


# ------------------------------------------------------------- unit picker


def test_pick_a_unit_with_or_without_diacritics(client, personas, portal_procedure):
    for q in ("Đông Hòa", "dong hoa", "DONG HOA"):
        body = client.get("/nop-ho-so/", {"q": q}).content.decode()
        assert "UBND Xã Đông Hòa" in body, q
        assert "UBND Phường Tây Sơn" not in body
    body = client.get("/nop-ho-so/", {"don-vi": personas.place.agency_a.public_id}).content
    assert f"/nop-ho-so/{portal_procedure.public_id}/".encode() in body


# --------------------------------------------------------------------- API


def test_api_upload_then_submit_with_documents(client, personas, portal_procedure):
    from motcua.dossiers.tests.test_selectors_api import bearer

    auth = bearer(personas.citizen)
    empty = client.post("/api/v1/files", {"file": SimpleUploadedFile("x.pdf", b"")}, **auth)
    assert empty.status_code == 400
    assert json.loads(empty.content)["code"] == "empty_file"
    resp = client.post(
        "/api/v1/files", {"file": SimpleUploadedFile("cccd.pdf", handmade_pdf())}, **auth
    )
    assert resp.status_code == 201, resp.content
    uploaded = json.loads(resp.content)
    assert uploaded["size"] > 0 and uploaded["thumbnail_url"]
    first = components(portal_procedure)[0]
    body = {
        "procedure": str(portal_procedure.public_id),
        "form_data": GOOD_FORM,
        "documents": [{"component": first.pk, "file": uploaded["id"]}],
    }
    resp = client.post(
        "/api/v1/dossiers", data=json.dumps(body), content_type="application/json", **auth
    )
    assert resp.status_code == 201, resp.content
    dossier = Dossier.objects.get()
    assert str(dossier.documents.get().file.public_id) == uploaded["id"]
    # Someone else's file cannot be referenced.
    other = make_citizen("congdan2", "086190000456")
    resp = client.post(
        "/api/v1/dossiers",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(other),
    )
    assert resp.status_code == 400
    assert json.loads(resp.content)["code"] == "document_not_owned"


def test_citizen_document_store_is_untouched_by_drafts(personas, portal_procedure):
    drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    assert not CitizenDocument.objects.exists()


@pytest.mark.usefixtures("memory_cache")  # query budgets: the limiter is on Redis in production
def test_api_submission_with_a_document_stays_light(
    client, personas, portal_procedure, django_assert_max_num_queries
):
    from motcua.dossiers.tests.test_selectors_api import bearer

    auth = bearer(personas.citizen)
    resp = client.post(
        "/api/v1/files", {"file": SimpleUploadedFile("cccd.pdf", handmade_pdf())}, **auth
    )
    file_id = json.loads(resp.content)["id"]
    first = components(portal_procedure)[0]
    body = {
        "procedure": str(portal_procedure.public_id),
        "form_data": GOOD_FORM,
        "documents": [{"component": first.pk, "file": file_id}],
    }
    import datetime

    from django.utils import timezone

    from motcua.calendar.services import add_working_time

    add_working_time(  # the working calendar is built once per process: warm it
        start=timezone.now(),
        duration=datetime.timedelta(hours=1),
        province_code=personas.place.province.code,
    )
    # A token submission takes 9 queries with a warm calendar; one document
    # adds the file read, the component list (cached afterwards) and its row.
    with django_assert_max_num_queries(12 + 3):
        resp = client.post(
            "/api/v1/dossiers", data=json.dumps(body), content_type="application/json", **auth
        )
    assert resp.status_code == 201, resp.content


def test_pick_understands_committee_names_and_old_units(client, personas, portal_procedure):
    from motcua.units.models import AdministrativeUnit, Generation, Level, UnitSuccession

    for q in ("ủy ban nhân dân xã Đông Hòa", "UBND xa dong hoa", "UBND, xã Đông Hoà!"):
        body = client.get("/nop-ho-so/", {"q": q}).content.decode()
        assert "UBND Xã Đông Hòa" in body, q
        assert "UBND Phường Tây Sơn" not in body, q
    old = AdministrativeUnit.objects.create(
        generation=Generation.LEGACY,
        level=Level.COMMUNE,
        code="99901",
        name="Xã Hòa Lợi",
        division_type="xã",
        codename="hoa_loi",
    )
    UnitSuccession.objects.create(old=old, new=personas.place.commune_a)
    body = client.get("/nop-ho-so/", {"q": "xã Hoà Lợi"}).content.decode()
    assert "UBND Xã Đông Hòa" in body and "Xã Hòa Lợi" in body and "trước 01/7/2025" in body
    body = client.get("/nop-ho-so/", {"q": "xã Không Có Thật"}).content.decode()
    assert "Không tìm thấy cơ quan hay xã, phường nào tên" in body
    body = client.get("/nop-ho-so/", {"q": "?!"}).content.decode()
    assert "chỉ có dấu câu" in body


def test_tracking_accepts_a_code_typed_in_lower_case(client, personas, portal_procedure):
    d = filed(personas.citizen, portal_procedure)
    typed = " " + d.code.lower().replace("-", " – ", 1) + " "
    ok = client.get("/tra-cuu/", {"ma": typed, "so": "0123"})
    assert ok.status_code == 200 and d.code in ok.content.decode()


def test_print_or_save_the_receipt_once_received(client, personas, portal_procedure):
    from motcua.dossiers import services

    d = filed(personas.citizen, portal_procedure)
    client.force_login(personas.citizen)
    page = client.get(f"/nop-ho-so/da-nop/{d.code}/").content.decode()
    assert "In / lưu giấy tiếp nhận" in page and "giay-tiep-nhan" not in page  # not yet
    early = client.get(f"/ho-so-cua-toi/{d.code}/giay-tiep-nhan/")
    assert early.status_code == 302
    services.dossier_accept(dossier=d, actor=personas.officer, expected_version=d.version)
    for url in (f"/nop-ho-so/da-nop/{d.code}/", f"/ho-so-cua-toi/{d.code}/"):
        page = client.get(url).content.decode()
        assert f'href="/ho-so-cua-toi/{d.code}/giay-tiep-nhan/"' in page, url
    pdf = client.get(f"/ho-so-cua-toi/{d.code}/giay-tiep-nhan/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    other = make_citizen("congdan_khac", "086190000999")
    client.force_login(other)
    assert client.get(f"/ho-so-cua-toi/{d.code}/giay-tiep-nhan/").status_code == 404
    officer = client
    officer.force_login(personas.officer)
    page = officer.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "In / lưu giấy tiếp nhận (PDF)" in page
