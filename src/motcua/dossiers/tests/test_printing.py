"""Forms printed from real dossiers built through the services; the PDF
text is checked with ``pdftotext`` (poppler-utils) when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError
from motcua.documents.pdf import FormPurpose
from motcua.dossiers import printing, services
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.models import Dossier, FormSet
from motcua.dossiers.tests.factories import local
from motcua.testing import Personas

SITE = "https://dichvucong.example.vn"


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def accepted(
    p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, **kw: Any
) -> Dossier:
    d = services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8), **kw
    )
    return services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )


def render(d: Dossier, purpose: FormPurpose, **kw: Any) -> tuple[str, str]:
    spec, pdf = printing.render_dossier_form(dossier=d, purpose=purpose, site=SITE, **kw)
    return spec.form_no, pdf_text(pdf)


def test_tracking_url(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant):
    d = accepted(personas, procedure, applicant)
    url = printing.tracking_url(d, site=SITE + "/")
    assert url == f"{SITE}/tra-cuu/?ma={d.code}&t={d.tracking_token}"


def test_receipt_has_code_and_appointment(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    ctx = printing.form_context(dossier=d, purpose=FormPurpose.RECEIPT, site=SITE)
    assert ctx.tracking_url.endswith(d.tracking_token)
    assert ctx.appointment == d.first_appointment_at
    assert ctx.officer_name == personas.officer.full_name
    assert ctx.processing_time == "3 ngày làm việc"
    no, text = render(d, FormPurpose.RECEIPT)
    assert no == "01"
    assert d.code in text
    # Accepted Monday 2/3/2026 09:00 with 3 working days: Thursday 5/3.
    assert "ngày 05 tháng 3 năm 2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text


def test_receipt_needs_acceptance(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    with pytest.raises(DomainError) as err:
        printing.form_context(dossier=d, purpose=FormPurpose.RECEIPT)
    assert err.value.code == "form_not_applicable"


def test_supplement_request_lists_parts(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    from motcua.dossiers.tests.factories import add_components, upload

    components = add_components(procedure)
    scan = Attachment(file=upload(personas.citizen), component_id=components[0].pk)
    d = accepted(personas, procedure, applicant, attachments=[scan])
    d = services.dossier_forward(
        dossier=d, actor=personas.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    d = services.dossier_ask_to_supplement(
        dossier=d,
        actor=personas.specialist,
        expected_version=3,
        reason="Cần bổ sung bản sao rõ nét",
        requested=[RequestedItem("illegible", "Bản chụp bị mờ", components[1].pk)],
        now=local(2026, 3, 2, 14),
    )
    no, text = render(d, FormPurpose.SUPPLEMENT)
    assert no == "02"
    assert d.code in text
    assert "Bản sao giấy tờ tùy thân" in text
    assert "Bản chụp bị mờ" in text


def test_refusal_with_reasons(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    d = services.dossier_refuse(
        dossier=d,
        actor=personas.officer,
        expected_version=1,
        reasons=["Thủ tục không thuộc thẩm quyền của xã"],
        now=local(2026, 3, 2, 9),
    )
    no, text = render(d, FormPurpose.REFUSAL)
    assert no == "03"
    assert d.code in text
    assert "không thuộc thẩm quyền" in text


def test_apology_with_new_appointment(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=personas.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    d = services.dossier_apologise(
        dossier=d,
        actor=personas.specialist,
        expected_version=3,
        new_appointment=local(2026, 3, 10, 16),
        reason="Cần xác minh thêm với cơ quan khác",
        now=local(2026, 3, 4, 9),
    )
    no, text = render(d, FormPurpose.APOLOGY)
    assert no == "04"
    assert d.code in text
    assert "ngày 10 tháng 3 năm 2026" in text  # the new appointment
    assert "ngày 05 tháng 3 năm 2026" in text  # the one apologised for


def test_stop_notice(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant):
    d = accepted(personas, procedure, applicant)
    d = services.dossier_stop(
        dossier=d,
        actor=personas.officer,
        expected_version=2,
        reason="Người nộp không đủ điều kiện",
        now=local(2026, 3, 2, 10),
    )
    no, text = render(d, FormPurpose.STOP)
    assert no == "05"
    assert d.code in text
    assert "không đủ điều kiện" in text


def test_control_slip_from_step_runs(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=personas.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    d = services.dossier_forward(
        dossier=d, actor=personas.specialist, expected_version=3, now=local(2026, 3, 3, 10)
    )
    ctx = printing.form_context(dossier=d, purpose=FormPurpose.CONTROL_SLIP)
    assert [s.name for s in ctx.steps] == [
        "Tiếp nhận",
        "Chuyên viên thẩm định",
        "Lãnh đạo phê duyệt",
    ]
    assert ctx.steps[1].handed_over_by == personas.officer.full_name
    assert ctx.steps[1].received_by == personas.specialist.full_name
    assert ctx.steps[0].result == "Đúng hạn"
    no, text = render(d, FormPurpose.CONTROL_SLIP)
    assert no == "06"
    assert d.code in text
    assert "Người giao: chuyenvien_a" in text  # the table wraps step names


def test_2018_set_picks_its_own_numbers(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    Dossier.objects.filter(pk=d.pk).update(form_set=FormSet.CIRCULAR_01_2018)
    d.form_set = FormSet.CIRCULAR_01_2018
    no, text = render(d, FormPurpose.CONTROL_SLIP)
    assert no == "05"
    assert d.code in text
    with pytest.raises(Exception):  # noqa: B017 - no stop notice in the 2018 set
        printing.render_dossier_form(dossier=d, purpose=FormPurpose.STOP)


def test_form_needs_its_event(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
):
    d = accepted(personas, procedure, applicant)
    for purpose in (FormPurpose.REFUSAL, FormPurpose.APOLOGY, FormPurpose.STOP):
        with pytest.raises(DomainError):
            printing.form_context(dossier=d, purpose=purpose)
