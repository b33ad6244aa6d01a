"""The officers' dossier pages through the Django test client: scope,
actions, the version conflict, unit view, search, counter intake and the
near-due warning command."""

from __future__ import annotations

import datetime
import io
import unicodedata
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.backoffice.actions import available_actions
from motcua.backoffice.selectors import dossiers_due_within
from motcua.catalog.models import ConfiguredProcedure
from motcua.documents.tests.factories import handmade_pdf
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import AccessChannel, Dossier, DossierAccessLog, DossierEvent
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import add_components, upload
from motcua.testing import Personas

H = datetime.timedelta(hours=1)


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def submitted(
    p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, **kw: Any
) -> Dossier:
    kw.setdefault("now", timezone.now() - 3 * H)
    return services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant, **kw)


def accepted(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    d = submitted(p, procedure, applicant)
    return services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=timezone.now() - 2 * H
    )


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def test_queue_lists_what_the_officer_holds(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = submitted(personas, procedure, applicant)
    r = client_for(personas.officer).get("/can-bo/ho-so/")
    assert r.status_code == 200
    text = r.content.decode()
    assert d.code in text
    assert "Nguyễn Văn An" in text
    assert "Cấp bản sao trích lục hộ tịch" in text
    # The reception clock (8 working hours) is < 24 h away: marked in text.
    assert "Sắp đến hạn" in text or "Quá hạn" in text
    other = client_for(personas.officer_b).get("/can-bo/ho-so/").content.decode()
    assert d.code not in other


def test_scope_officer_of_another_unit_gets_404(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    scan = add_components(procedure)
    d = submitted(
        personas,
        procedure,
        applicant,
        attachments=[Attachment(file=upload(personas.citizen), component_id=scan[0].pk)],
    )
    doc = d.documents.get()
    b = client_for(personas.officer_b)
    assert b.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
    assert b.get(f"/can-bo/ho-so/{d.code}/tai-lieu/{doc.public_id}/").status_code == 404
    assert b.get(f"/can-bo/ho-so/{d.code}/in/kiem-soat/").status_code == 404
    assert (
        b.post(f"/can-bo/ho-so/{d.code}/thao-tac/accept/", {"expected_version": 1}).status_code
        == 404
    )
    assert fresh(d).state == State.SUBMITTED

    a = client_for(personas.officer)
    r = a.get(f"/can-bo/ho-so/{d.code}/")
    assert r.status_code == 200
    assert DossierAccessLog.objects.filter(
        dossier=d, user=personas.officer, channel=AccessChannel.WEB
    ).exists()
    file = a.get(f"/can-bo/ho-so/{d.code}/tai-lieu/{doc.public_id}/")
    assert file.status_code == 200
    assert b"".join(cast(Any, file).streaming_content).startswith(b"%PDF")


def test_accept_then_receipt(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = submitted(personas, procedure, applicant)
    c = client_for(personas.officer)
    page = c.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Tiếp nhận hồ sơ" in page and "Từ chối tiếp nhận" in page
    r = c.post(f"/can-bo/ho-so/{d.code}/thao-tac/accept/", {"expected_version": 1})
    assert r.status_code == 302
    assert r["Location"].endswith(f"/can-bo/ho-so/{d.code}/#in-phieu")
    assert fresh(d).state == State.PROCESSING
    page = c.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Đã thực hiện: Tiếp nhận hồ sơ." in page
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)" in page
    pdf = c.get(f"/can-bo/ho-so/{d.code}/in/tiep-nhan/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_specialist_sees_no_reception_actions(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = submitted(personas, procedure, applicant)
    assert available_actions(user=personas.specialist, dossier=d) == []
    names = [a.name for a in available_actions(user=personas.officer, dossier=d)]
    assert names == ["accept", "ask_to_complete", "refuse"]
    r = client_for(personas.specialist).post(
        f"/can-bo/ho-so/{d.code}/thao-tac/accept/", {"expected_version": 1}
    )
    assert r.status_code == 403  # the service refuses; the page says why
    assert "không có vai trò phù hợp" in r.content.decode()


def test_version_conflict_keeps_typed_text(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = submitted(personas, procedure, applicant)
    services.dossier_ask_to_complete(
        dossier=d, actor=personas.officer, expected_version=1, missing=["Tờ khai"]
    )
    r = client_for(personas.officer).post(
        f"/can-bo/ho-so/{d.code}/thao-tac/refuse/",
        {"expected_version": 1, "reasons": "Không thuộc thẩm quyền giải quyết"},
    )
    assert r.status_code == 409
    text = r.content.decode()
    assert "Hồ sơ vừa được người khác cập nhật" in text
    assert "Không thuộc thẩm quyền giải quyết</textarea>" in text
    assert fresh(d).state == State.COMPLETING


def test_refuse_and_ask_to_complete_with_parts(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    components = add_components(procedure)
    scan = Attachment(file=upload(personas.citizen), component_id=components[0].pk)
    d = submitted(personas, procedure, applicant, attachments=[scan])
    c = client_for(personas.officer)
    r = c.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/ask_to_complete/",
        {
            "expected_version": 1,
            "part-0-component": str(components[1].pk),
            "part-0-reason": "illegible",
            "part-0-text": "Bản chụp mờ",
        },
    )
    assert r.status_code == 302
    event = DossierEvent.objects.get(dossier=d, action="ask_to_complete")
    assert event.payload["requested"][0]["reason_code"] == "illegible"
    assert event.payload["requested"][0]["component"] == components[1].pk
    assert c.get(f"/can-bo/ho-so/{d.code}/in/bo-sung/").content.startswith(b"%PDF")
    r = c.post(f"/can-bo/ho-so/{d.code}/thao-tac/refuse/", {"expected_version": 2, "reasons": ""})
    assert r.status_code == 400
    assert "Vui lòng nêu rõ lý do." in r.content.decode()
    r = c.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/refuse/",
        {"expected_version": 2, "reasons": "Sai thẩm quyền\nThiếu giấy tờ"},
    )
    assert r.status_code == 302
    d = fresh(d)
    assert d.state == State.REFUSED
    assert c.get(f"/can-bo/ho-so/{d.code}/in/tu-choi/").content.startswith(b"%PDF")


def test_processing_journey_forward_decide_hand_over(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    officer, specialist, leader = (
        client_for(personas.officer),
        client_for(personas.specialist),
        client_for(personas.leader),
    )
    r = officer.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/forward/",
        {"expected_version": 2, "move": "forward|specialist"},
    )
    assert r.status_code == 302
    assert d.code in specialist.get("/can-bo/ho-so/").content.decode()
    r = specialist.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/forward/",
        {"expected_version": 3, "move": "forward|leader", "note": "Đủ điều kiện"},
    )
    assert r.status_code == 302
    page = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Ghi nhận kết quả giải quyết" in page
    # No file: an error, nothing changes.
    r = leader.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/decide/", {"expected_version": 4, "move": "approve|end"}
    )
    assert r.status_code == 400
    assert fresh(d).state == State.PROCESSING
    signed = SimpleUploadedFile("ket-qua.pdf", handmade_pdf(), content_type="application/pdf")
    r = leader.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/decide/",
        {"expected_version": 4, "move": "approve|end", "title": "Trích lục", "result": signed},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    d = fresh(d)
    assert d.state == State.RESULT_READY
    assert d.documents.filter(kind="result", title="Trích lục").exists()
    r = officer.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/hand_over/",
        {"expected_version": 5, "received_by": "Nguyễn Văn An"},
    )
    assert r.status_code == 302
    assert fresh(d).state == State.RETURNED
    slip = officer.get(f"/can-bo/ho-so/{d.code}/in/kiem-soat/")
    assert slip.content.startswith(b"%PDF")


def test_apologise_before_the_appointment(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    assert d.appointment_at is not None
    new = timezone.localtime(d.appointment_at + datetime.timedelta(days=3))
    c = client_for(personas.officer)  # the officer holds the reception step
    r = c.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/apologise/",
        {
            "expected_version": 2,
            "new_appointment": new.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Chờ xác minh",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    d = fresh(d)
    assert d.appointment_at == new.replace(second=0, microsecond=0)
    page = c.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Trễ hẹn, đã xin lỗi" in page
    assert c.get(f"/can-bo/ho-so/{d.code}/in/xin-loi/").content.startswith(b"%PDF")


def test_unit_view_and_reassign(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    from motcua.accounts.models import Role, RoleAssignment

    d = accepted(personas, procedure, applicant)
    d = services.dossier_forward(dossier=d, actor=personas.officer, expected_version=2)
    other = User.objects.create_user(username="chuyenvien_2", full_name="Trần Thị Bình")
    RoleAssignment.objects.create(user=other, agency=personas.place.agency_a, role=Role.SPECIALIST)
    url = f"/can-bo/don-vi/{personas.place.agency_a.public_id}/ho-so/"
    assert client_for(personas.specialist).get(url).status_code == 404
    assert client_for(personas.officer_b).get(url).status_code == 404
    inspector = client_for(personas.inspector).get(url)
    assert inspector.status_code == 200 and d.code in inspector.content.decode()
    assert "Giao lại" not in inspector.content.decode()
    leader = client_for(personas.leader)
    page = leader.get(url).content.decode()
    assert d.code in page and "Trần Thị Bình" in page
    r = leader.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/reassign/",
        {"expected_version": 3, "holder": str(other.public_id), "next": url},
    )
    assert r.status_code == 302 and r["Location"] == url
    assert fresh(d).holder_user == other
    assert d.code not in client_for(personas.specialist).get("/can-bo/ho-so/").content.decode()
    assert d.code in client_for(other).get("/can-bo/ho-so/").content.decode()


def test_search_within_scope(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    leader = client_for(personas.leader)
    for q in (d.code, "Nguyễn Văn", "086190000123", "trích lục"):
        assert d.code in leader.get("/can-bo/ho-so/", {"q": q}).content.decode(), q
    text = client_for(personas.officer_b).get("/can-bo/ho-so/", {"q": d.code}).content.decode()
    assert "Không tìm thấy hồ sơ nào" in text


def test_counter_intake(personas: Personas, procedure: ConfiguredProcedure):
    components = add_components(procedure)
    c = client_for(personas.officer)
    page = c.get("/can-bo/tiep-nhan/", {"thu_tuc": str(procedure.public_id)})
    assert page.status_code == 200
    base = {
        "procedure": str(procedure.public_id),
        "idempotency_key": "k1",
        "applicant_kind": "citizen",
        "identifier": "086190000999",
        "name": "Lê Thị Cúc",
        "result_delivery": "counter",
    }
    # Missing the required scan: an error, the typed name is kept.
    r = c.post("/can-bo/tiep-nhan/", base)
    assert r.status_code == 200
    assert "Còn thiếu giấy tờ bắt buộc" in r.content.decode()
    assert 'value="Lê Thị Cúc"' in r.content.decode()
    assert not Applicant.objects.filter(personal_id="086190000999").exists()
    scan = SimpleUploadedFile("to-khai.pdf", handmade_pdf(), content_type="application/pdf")
    r = c.post(
        "/can-bo/tiep-nhan/",
        {**base, f"component-{components[0].pk}": scan, "assisted": "on", "consent_note": "Đồng ý"},
    )
    assert r.status_code == 302
    d = Dossier.objects.get(applicant__personal_id="086190000999")
    assert d.channel == "counter" and d.state == State.PROCESSING
    assert d.assisted and d.consent_note == "Đồng ý"
    assert r["Location"].endswith(f"/can-bo/ho-so/{d.code}/#in-phieu")
    assert c.get(f"/can-bo/ho-so/{d.code}/in/tiep-nhan/").content.startswith(b"%PDF")
    # Officers of another unit cannot file under this procedure.
    r = client_for(personas.officer_b).get(
        "/can-bo/tiep-nhan/", {"thu_tuc": str(procedure.public_id)}
    )
    assert str(procedure.public_id) not in r.content.decode()
    assert client_for(personas.specialist).get("/can-bo/tiep-nhan/").status_code == 404


def test_warn_due_dossiers(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    soon = submitted(personas, procedure, applicant)  # reception clock: 8 working hours
    assert soon.due_at is not None
    now = soon.due_at - 2 * H
    assert list(dossiers_due_within(now=now)) == [soon]
    assert list(dossiers_due_within(now=soon.due_at + H)) == []
    out = io.StringIO()
    call_command("warn_due_dossiers", "--now", now.isoformat(), stdout=out)
    text = out.getvalue()
    assert soon.code in text and "motcua_a" in text
    assert "Cán bộ một cửa" in text and "one_stop_officer" not in text  # the role's name
    assert "1 hồ sơ sắp đến hạn trong 24 giờ." in text
    out = io.StringIO()
    call_command("warn_due_dossiers", "--now", now.isoformat(), "--hours", "1", stdout=out)
    assert soon.code not in out.getvalue()


@pytest.mark.parametrize("path", ["/can-bo/ho-so/", "/can-bo/tiep-nhan/"])
def test_login_required(client: Client, path: str):
    r = client.get(path)
    assert r.status_code == 302 and "/dang-nhap/" in r["Location"]


def test_stale_page_shows_the_conflict_not_the_state_error(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = submitted(personas, procedure, applicant)
    services.dossier_accept(dossier=d, actor=personas.officer, expected_version=1)
    r = client_for(personas.officer).post(
        f"/can-bo/ho-so/{d.code}/thao-tac/refuse/",
        {"expected_version": 1, "reasons": "Thiếu giấy tờ"},
    )
    assert r.status_code == 409
    assert "Hồ sơ vừa được người khác cập nhật" in r.content.decode()
    assert fresh(d).state == State.PROCESSING


def test_due_marks_are_text() -> None:
    from motcua.backoffice.selectors import due_mark

    now = timezone.now()
    assert due_mark(now - H, now=now).text == "Quá hạn"
    assert due_mark(now + 23 * H, now=now).text == "Sắp đến hạn"
    assert due_mark(now + 25 * H, now=now).kind == ""
    assert due_mark(None).kind == ""


def test_image_document_has_a_thumbnail(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    from motcua.documents.services import stored_file_create
    from motcua.documents.tests.factories import png_bytes

    components = add_components(procedure)
    image = stored_file_create(actor=personas.citizen, content=png_bytes(), name="cccd.png")
    d = submitted(
        personas,
        procedure,
        applicant,
        attachments=[
            Attachment(file=upload(personas.citizen), component_id=components[0].pk),
            Attachment(file=image, component_id=components[1].pk),
        ],
    )
    doc = d.documents.get(component=components[1])
    c = client_for(personas.officer)
    page = c.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert f'alt="Ảnh thu nhỏ: {doc.title}"' in page
    thumb = c.get(f"/can-bo/ho-so/{d.code}/tai-lieu/{doc.public_id}/anh-nho/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    b = client_for(personas.officer_b)
    assert b.get(f"/can-bo/ho-so/{d.code}/tai-lieu/{doc.public_id}/anh-nho/").status_code == 404


def with_eform(procedure: ConfiguredProcedure, schema: dict[str, Any]) -> None:
    """Give the procedure's current configuration a published e-form."""
    from motcua.catalog.models import EForm, VersionStatus

    cpv = procedure.current_version
    assert cpv is not None
    cpv.eform = EForm.objects.create(
        procedure=procedure.procedure, number=1, status=VersionStatus.PUBLISHED, schema=schema
    )
    cpv.save(update_fields=["eform"])


def test_counter_intake_with_an_eform(personas: Personas, procedure: ConfiguredProcedure):
    with_eform(
        procedure,
        {
            "type": "object",
            "title": "Tờ khai",
            "properties": {"ho_ten": {"type": "string", "title": "Họ tên người được cấp"}},
            "required": ["ho_ten"],
        },
    )
    c = client_for(personas.officer)
    page = c.get("/can-bo/tiep-nhan/", {"thu_tuc": str(procedure.public_id)}).content.decode()
    assert "Họ tên người được cấp" in page
    base = {
        "procedure": str(procedure.public_id),
        "idempotency_key": "k2",
        "identifier": "086190000888",
        "name": "Võ Văn Em",
    }
    r = c.post("/can-bo/tiep-nhan/", base)
    assert "Tờ khai chưa hợp lệ" in r.content.decode()
    assert not Dossier.objects.filter(applicant__personal_id="086190000888").exists()
    r = c.post("/can-bo/tiep-nhan/", {**base, "ho_ten": "Võ Văn Em"})
    assert r.status_code == 302
    d = Dossier.objects.get(applicant__personal_id="086190000888")
    assert d.form_data == {"ho_ten": "Võ Văn Em"}
    page = c.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Họ tên người được cấp" in page


def test_consult_and_answer(personas: Personas, applicant: Applicant):
    from motcua.accounts.models import Role
    from motcua.dossiers.tests.factories import THREE_STEPS, make_procedure
    from motcua.testing import make_staff

    p = personas
    b = p.place.agency_b
    consulted = make_staff("chuyenvien_b", (b, Role.SPECIALIST))
    definition = {
        "start": "reception",
        "steps": [
            *THREE_STEPS["steps"],
            {
                "key": "opinion",
                "name": "Ý kiến phường Tây Sơn",
                "role": "specialist",
                "holder": f"agency:{b.public_id}",
                "budget_hours": 8,
            },
        ],
        "transitions": [
            *THREE_STEPS["transitions"],
            {"from": "specialist", "action": "consult", "to": "opinion"},
            {"from": "opinion", "action": "join", "to": "specialist"},
        ],
    }
    procedure = make_procedure(p.place.agency_a, definition=definition)
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(dossier=d, actor=p.officer, expected_version=2)
    names = [a.name for a in available_actions(user=p.specialist, dossier=d)]
    assert "consult" in names and "forward" in names
    r = client_for(p.specialist).post(
        f"/can-bo/ho-so/{d.code}/thao-tac/consult/",
        {"expected_version": 3, "move": "consult|opinion", "question": "Xác nhận cư trú"},
    )
    assert r.status_code == 302
    d = fresh(d)
    names = [a.name for a in available_actions(user=p.specialist, dossier=d)]
    assert "forward" not in names and "consult" not in names  # waiting for the answer
    c = client_for(consulted)
    assert d.code in c.get("/can-bo/ho-so/").content.decode()
    assert [a.name for a in available_actions(user=consulted, dossier=d)] == ["answer"]
    r = c.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/answer/",
        {"expected_version": 4, "answer": "Có cư trú tại địa bàn"},
    )
    assert r.status_code == 302
    assert "forward" in [a.name for a in available_actions(user=p.specialist, dossier=fresh(d))]


def test_counter_intake_lookup(personas: Personas, procedure: ConfiguredProcedure):
    c = client_for(personas.officer)
    base = {"procedure": str(procedure.public_id), "applicant_kind": "citizen", "lookup": "1"}
    r = c.post("/can-bo/tiep-nhan/", {**base, "identifier": "086190000123"})
    assert "Đã có trong hệ thống: <strong>Nguyễn Văn An</strong>" in r.content.decode()
    r = c.post("/can-bo/tiep-nhan/", {**base, "identifier": "086190000555"})
    assert "Chưa có trong hệ thống" in r.content.decode()
    assert not Dossier.objects.exists()


def test_queue_queries_do_not_grow_with_dossiers(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(personas.officer)
    submitted(personas, procedure, applicant)
    c.get("/can-bo/ho-so/")  # warm caches (session, workflow graph)
    with CaptureQueriesContext(connection) as one:
        c.get("/can-bo/ho-so/")
    for _ in range(4):
        submitted(personas, procedure, applicant)
    with CaptureQueriesContext(connection) as five:
        r = c.get("/can-bo/ho-so/")
    assert r.content.decode().count("/can-bo/ho-so/000.") == 5
    assert len(five) == len(one)


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van an",  # without diacritics
        "NGUYỄN VĂN AN",  # capitals (SQLite's LIKE folds only ASCII)
        "NGUYEN VAN",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),  # decomposed
        "an nguyen",  # words in any order
        "trich luc ho tich",
    ],
)
def test_search_folds_diacritics_case_and_unicode_forms(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, query: str
) -> None:
    d = accepted(personas, procedure, applicant)
    page = client_for(personas.leader).get("/can-bo/ho-so/", {"q": query}).content.decode()
    assert d.code in page, query
    other = client_for(personas.leader).get("/can-bo/ho-so/", {"q": "tran thi"}).content.decode()
    assert "Không tìm thấy hồ sơ nào" in other


def test_the_declaration_reads_as_a_form_not_as_data(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    with_eform(
        procedure,
        {
            "type": "object",
            "title": "Tờ khai",
            "properties": {
                "tre": {
                    "type": "object",
                    "title": "Người được khai sinh",
                    "properties": {
                        "gioi_tinh": {
                            "type": "string",
                            "title": "Giới tính",
                            "oneOf": [
                                {"const": "nam", "title": "Nam"},
                                {"const": "nu", "title": "Nữ"},
                            ],
                        },
                        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
                    },
                },
                "noi_cu_tru": {"type": "object", "format": "vn-address", "title": "Nơi cư trú"},
                "sinh_doi": {"type": "boolean", "title": "Sinh đôi"},
                "anh_chi": {
                    "type": "array",
                    "title": "Anh chị em",
                    "items": {"type": "object", "properties": {"ten": {"type": "string"}}},
                },
            },
        },
    )
    form = {
        "tre": {"gioi_tinh": "nu", "ngay_sinh": "2026-02-03"},
        "noi_cu_tru": {"commune_code": personas.place.commune_a.code, "street": "Ấp 3"},
        "sinh_doi": False,
        "anh_chi": [],
    }
    d = submitted(personas, procedure, applicant, form_data=form)
    page = client_for(personas.officer).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    section = page.split("<h2>Tờ khai</h2>")[1].split("<h2>")[0]
    assert "Người được khai sinh</h3>" in section
    assert "<dt>Giới tính</dt><dd>Nữ</dd>" in section
    assert "<dt>Ngày sinh</dt><dd>03/02/2026</dd>" in section
    assert "<dt>Nơi cư trú</dt><dd>Ấp 3, Xã Đông Hòa, Tỉnh Thử Nghiệm</dd>" in section
    assert "<dt>Sinh đôi</dt><dd>Không</dd>" in section
    assert "<dt>Anh chị em</dt><dd>—</dd>" in section
    for raw in ("{", "[]", "false", "2026-02-03", "commune_code", ">nu<"):
        assert raw not in section
    timeline = page.split("Quá trình xử lý")[1]
    assert "applicant" not in timeline and "người nộp hồ sơ" in timeline


def test_moves_are_named_in_vietnamese(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    labels = [
        m.label
        for user in (personas.officer, personas.specialist, personas.leader)
        for a in available_actions(user=user, dossier=fresh(d))
        for m in a.moves
    ]
    assert labels, "some move is offered"
    for label in labels:
        assert "(" in label
        assert not any(word in label for word in ("forward", "approve", "sign", "send_back"))


def test_counter_intake_result_by_post(personas: Personas, procedure: ConfiguredProcedure):
    """The applicant at the counter chooses the result by post: the address
    is checked with clear errors (nothing filed), then filed with the
    dossier in one transaction; the form offers post only where eligible."""
    from motcua.delivery.models import PostalRequest

    components = add_components(procedure)
    c = client_for(personas.officer)
    form = c.get("/can-bo/tiep-nhan/", {"thu_tuc": str(procedure.public_id)}).content.decode()
    assert 'value="post"' in form and "Cước phí dự kiến: 25.000" in form
    assert 'id="bc-dia-chi"' in form

    def post(**extra: str) -> Any:
        scan = SimpleUploadedFile("to-khai.pdf", handmade_pdf(), content_type="application/pdf")
        return c.post(
            "/can-bo/tiep-nhan/",
            {
                "procedure": str(procedure.public_id),
                "idempotency_key": "buu-chinh-1",
                "applicant_kind": "citizen",
                "identifier": "086190000888",
                "name": "Trần Văn Bình",
                "phone": "0987654321",
                "result_delivery": "post",
                f"component-{components[0].pk}": scan,
                **extra,
            },
        )

    bad = post(receiver_phone="12345", receiver_address="xã A")
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "Thông tin nhận kết quả qua bưu chính chưa đúng." in text
    assert "Số điện thoại người nhận không đúng" in text
    assert "Địa chỉ nhận chưa đủ để bưu điện giao" in text
    assert (
        'id="bc-dien-thoai" name="receiver_phone" type="tel" maxlength="20" value="12345"' in text
    )
    # Nothing is filed: not the applicant, not the dossier, not the request.
    assert not Applicant.objects.filter(personal_id="086190000888").exists()
    assert not Dossier.objects.filter(channel="counter").exists()
    assert PostalRequest.objects.count() == 0
    # No address at all, and none on file for the applicant: said so.
    assert "Cần ghi địa chỉ nhận kết quả." in post().content.decode()

    good = post(receiver_address="Số 5, thôn Tây, xã A")
    assert good.status_code == 302
    d = Dossier.objects.get(applicant__personal_id="086190000888")
    assert d.result_delivery == "post"
    request = PostalRequest.objects.get(dossier=d)
    assert (request.receive_result, request.send_dossier) == (True, False)
    # The fields left empty are the applicant's.
    assert (request.receiver_name, request.receiver_phone) == ("Trần Văn Bình", "0987654321")
    assert request.receiver_address == "Số 5, thôn Tây, xã A"
    page = c.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Số 5, thôn Tây, xã A" in page
    # The same form sent again (a double click): the same dossier, one request.
    assert post(receiver_address="Số 5, thôn Tây, xã A").status_code == 302
    assert (
        PostalRequest.objects.count() == 1
        and Dossier.objects.filter(channel="counter").count() == 1
    )


def test_counter_intake_offers_post_only_where_eligible(
    personas: Personas, procedure: ConfiguredProcedure
):
    from motcua.delivery.models import PostalRequest

    procedure.procedure.postal_eligible = False
    procedure.procedure.save(update_fields=["postal_eligible"])
    c = client_for(personas.officer)
    form = c.get("/can-bo/tiep-nhan/", {"thu_tuc": str(procedure.public_id)}).content.decode()
    assert 'value="post"' not in form and 'id="bc-dia-chi"' not in form
    assert "Thủ tục này không thực hiện qua dịch vụ bưu chính công ích." in form
    refused = c.post(
        "/can-bo/tiep-nhan/",
        {
            "procedure": str(procedure.public_id),
            "idempotency_key": "buu-chinh-2",
            "applicant_kind": "citizen",
            "identifier": "086190000889",
            "name": "Lê Văn Cường",
            "result_delivery": "post",
            "receiver_phone": "0912345678",
            "receiver_address": "Số 5, thôn Tây, xã A",
        },
    )
    assert (
        'id="loi-tiep-nhan"><p>Thủ tục này không thực hiện qua dịch vụ bưu chính công ích.'
        in refused.content.decode()
    )
    assert not Dossier.objects.filter(channel="counter").exists()
    assert PostalRequest.objects.count() == 0
