"""The postal choice inside the online filing step (issue 9): send-dossier,
receive-result or both with the address, only for procedures eligible for
post, the shipping fee shown; filed with the dossier as its postal
request, in the same transaction (a double click files one)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import ConfiguredProcedure
from motcua.delivery.models import DraftPostalRequest, PostalRequest
from motcua.documents.tests.factories import handmade_pdf
from motcua.dossiers.models import Dossier, DossierDraft
from motcua.portal.tests.helpers import GOOD_FORM, components
from motcua.testing import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = {
    "receiver_name": "Nguyễn Văn An",
    "receiver_phone": "0912345678",
    "receiver_address": "Số 1, thôn Đông, xã A",
}


def _url(procedure: ConfiguredProcedure, suffix: str = "") -> str:
    return f"/nop-ho-so/{procedure.public_id}/{suffix}"


def _to_delivery_step(client: Any, procedure: ConfiguredProcedure) -> None:
    assert client.login(username="congdan", password=PASSWORD)
    client.post(_url(procedure) + "?buoc=to-khai", GOOD_FORM)
    first = components(procedure)[0]
    client.post(
        _url(procedure, f"giay-to/{first.pk}/"),
        {"file": SimpleUploadedFile("cccd.pdf", handmade_pdf())},
    )
    client.post(_url(procedure) + "?buoc=giay-to")


def test_post_chosen_in_the_filing_step_becomes_the_postal_request(
    client: Any, personas: Any, portal_procedure: ConfiguredProcedure
) -> None:
    _to_delivery_step(client, portal_procedure)
    page = client.get(_url(portal_procedure) + "?buoc=nhan-ket-qua").content.decode()
    assert "Dịch vụ bưu chính công ích" in page and "25.000 đồng" in page
    assert "Nhận qua dịch vụ bưu chính" in page
    partial = dict(ADDRESS, receiver_phone="")
    refused = client.post(
        _url(portal_procedure) + "?buoc=nhan-ket-qua",
        {"result_delivery": "post", "send_dossier": "1", **partial},
    )
    assert (
        refused.status_code == 422 and "Cần ghi họ tên, số điện thoại" in refused.content.decode()
    )
    assert not DraftPostalRequest.objects.exists()
    ok = client.post(
        _url(portal_procedure) + "?buoc=nhan-ket-qua",
        {"result_delivery": "post", "send_dossier": "1", **ADDRESS},
    )
    assert ok.status_code == 302 and ok["Location"].endswith("?buoc=xem-lai")
    review = client.get(_url(portal_procedure) + "?buoc=xem-lai").content.decode()
    assert "bưu điện nhận giấy tờ gốc tại nhà" in review and "thôn Đông" in review
    draft = DossierDraft.objects.get()
    first = client.post(_url(portal_procedure, "nop/"), {"draft": str(draft.public_id)})
    second = client.post(_url(portal_procedure, "nop/"), {"draft": str(draft.public_id)})
    assert first["Location"] == second["Location"]
    dossier = Dossier.objects.get()
    request = PostalRequest.objects.get(dossier=dossier)
    assert (request.send_dossier, request.receive_result) == (True, True)
    assert request.receiver_address == ADDRESS["receiver_address"]


def test_online_result_with_no_postal_choice_files_no_request(
    client: Any, personas: Any, portal_procedure: ConfiguredProcedure
) -> None:
    _to_delivery_step(client, portal_procedure)
    client.post(
        _url(portal_procedure) + "?buoc=nhan-ket-qua",
        {"result_delivery": "post", "send_dossier": "1", **ADDRESS},
    )
    # Changed the mind: online, nothing by post; the earlier choice is dropped.
    client.post(_url(portal_procedure) + "?buoc=nhan-ket-qua", {"result_delivery": "online"})
    assert not DraftPostalRequest.objects.exists()
    draft = DossierDraft.objects.get()
    client.post(_url(portal_procedure, "nop/"), {"draft": str(draft.public_id)})
    assert Dossier.objects.get().result_delivery == "online"
    assert not PostalRequest.objects.exists()


def test_a_procedure_not_eligible_for_post_offers_no_post(
    client: Any, personas: Any, portal_procedure: ConfiguredProcedure
) -> None:
    catalogue = portal_procedure.procedure
    catalogue.postal_eligible = False
    catalogue.save(update_fields=["postal_eligible"])
    _to_delivery_step(client, portal_procedure)
    page = client.get(_url(portal_procedure) + "?buoc=nhan-ket-qua").content.decode()
    assert "Nhận qua dịch vụ bưu chính" not in page
    assert "không thực hiện qua dịch vụ bưu chính công ích" in page
    refused = client.post(
        _url(portal_procedure) + "?buoc=nhan-ket-qua", {"result_delivery": "post", **ADDRESS}
    )
    assert refused.status_code == 422
    assert DossierDraft.objects.get().result_delivery != "post"
