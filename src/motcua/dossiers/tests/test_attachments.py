"""Files travel with the actions that record them: the required components
at submission, parts named in a supplementation request, the result."""

from __future__ import annotations

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError
from motcua.documents.models import CitizenDocument
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import add_components, local, upload
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _submit(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, attachments):
    return services.dossier_submit(
        actor=p.citizen,
        procedure=procedure,
        applicant=applicant,
        attachments=attachments,
        now=local(2026, 3, 2, 8),
    )


def test_required_component_missing_refuses_and_stores_nothing(personas, procedure, applicant):
    form, copy = add_components(procedure)
    with pytest.raises(DomainError) as exc:
        _submit(
            personas,
            procedure,
            applicant,
            [Attachment(file=upload(personas.citizen), component_id=copy.pk)],
        )
    assert exc.value.code == "documents_missing"
    assert "Tờ khai theo mẫu" in exc.value.message
    assert exc.value.errors == [
        {"field": f"documents.{form.pk}", "message": "Bắt buộc nộp: Tờ khai theo mẫu"}
    ]
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()


def test_submission_records_each_component(personas, procedure, applicant):
    form, copy = add_components(procedure)
    d = _submit(
        personas,
        procedure,
        applicant,
        [
            Attachment(file=upload(personas.citizen), component_id=form.pk),
            Attachment(file=upload(personas.citizen, "cccd.pdf"), component_id=copy.pk),
        ],
    )
    docs = list(d.documents.order_by("component__position"))
    assert [(x.kind, x.title, x.event_seq) for x in docs] == [
        ("input", "Tờ khai theo mẫu", 1),
        ("input", "Bản sao giấy tờ tùy thân", 1),
    ]
    event = DossierEvent.objects.get(dossier=d, seq=1)
    assert [item["sha256"] for item in event.payload["documents"]] == [x.file.sha256 for x in docs]


def test_someone_elses_file_or_store_document_is_refused(personas, procedure, applicant):
    (form, _copy) = add_components(procedure)
    foreign = upload(personas.officer_b)
    with pytest.raises(DomainError) as exc:
        _submit(personas, procedure, applicant, [Attachment(file=foreign, component_id=form.pk)])
    assert exc.value.code == "document_not_owned"
    other = Applicant.objects.create(kind="citizen", name="Người khác", personal_id="001099012345")
    stored = CitizenDocument.objects.create(
        owner=other, kind="cccd", name="Căn cước", file=upload(None)
    )
    with pytest.raises(DomainError) as exc:
        _submit(personas, procedure, applicant, [Attachment(reused=stored, component_id=form.pk)])
    assert exc.value.code == "document_not_owned"
    assert not Dossier.objects.exists()


def test_reuse_from_the_applicants_store(personas, procedure, applicant):
    (form, _copy) = add_components(procedure)
    mine = CitizenDocument.objects.create(
        owner=applicant, kind="to_khai", name="Tờ khai", file=upload(personas.citizen)
    )
    d = _submit(personas, procedure, applicant, [Attachment(reused=mine, component_id=form.pk)])
    doc = d.documents.get()
    assert doc.reused_from == mine and doc.file == mine.file


def test_supplementation_names_parts_and_the_answer_attaches_files(personas, procedure, applicant):
    p = personas
    form, copy = add_components(procedure)
    d = _submit(p, procedure, applicant, [Attachment(file=upload(p.citizen), component_id=form.pk)])
    d = services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    with pytest.raises(DomainError) as exc:
        services.dossier_ask_to_supplement(
            dossier=d,
            actor=p.specialist,
            expected_version=3,
            reason="Thiếu bản sao",
            requested=[RequestedItem(reason_code="khong-ro", text="?")],
            now=local(2026, 3, 2, 11),
        )
    assert exc.value.code == "invalid_reason_code"
    d = services.dossier_ask_to_supplement(
        dossier=d,
        actor=p.specialist,
        expected_version=3,
        reason="Thiếu bản sao giấy tờ tùy thân",
        requested=[RequestedItem(reason_code="missing", text="Nộp bản sao", component_id=copy.pk)],
        now=local(2026, 3, 2, 11),
    )
    ask = DossierEvent.objects.get(dossier=d, seq=4)
    assert ask.payload["requested"] == [
        {
            "reason_code": "missing",
            "reason": "Thiếu giấy tờ",
            "text": "Nộp bản sao",
            "component": copy.pk,
            "component_name": "Bản sao giấy tờ tùy thân",
        }
    ]
    d = services.dossier_supplement(
        dossier=d,
        actor=p.citizen,
        expected_version=4,
        attachments=[Attachment(file=upload(p.citizen, "ban-sao.pdf"), component_id=copy.pk)],
        now=local(2026, 3, 3, 9),
    )
    assert d.state == State.PROCESSING
    added = d.documents.get(kind="supplement")
    assert added.event_seq == 5 and added.component == copy


def test_online_result_needs_a_file_before_hand_over(personas, procedure, applicant):
    p = personas
    d = _submit(p, procedure, applicant, [])
    d = services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    d = services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=3, now=local(2026, 3, 2, 11)
    )
    d = services.dossier_decide(
        dossier=d, actor=p.leader, expected_version=4, now=local(2026, 3, 2, 14)
    )
    with pytest.raises(DomainError) as exc:
        services.dossier_hand_over(
            dossier=d, actor=p.officer, expected_version=5, now=local(2026, 3, 2, 15)
        )
    assert exc.value.code == "result_document_missing"
    assert Dossier.objects.get(pk=d.pk).state == State.RESULT_READY
