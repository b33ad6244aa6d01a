"""The citizen's "Thanh toán" pages, the receipt PDF, the officers' report
(screen and xlsx) and the API, against the VNPay sandbox over HTTP."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.payments.models import Payment
from motcua.payments.tests.helpers import choose, due_obligation, prepared_callback, submit_online
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _paid_dossier(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> tuple[Client, str, Payment]:
    d = submit_online(personas, procedure, applicant)
    client = Client()
    client.force_login(personas.citizen)
    page = client.get(f"/thanh-toan/ho-so/{d.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "20000 đồng" in html and "Thanh toán trực tuyến" in html
    key = html.split('name="key" value="', 1)[1].split('"', 1)[0]
    go = client.post(f"/thanh-toan/ho-so/{d.code}/", {"gateway": "vnpay", "key": key})
    assert go.status_code == 302 and go["Location"].startswith(vnpay.url)
    # The same form sent twice (double click): the same charge.
    again = client.post(f"/thanh-toan/ho-so/{d.code}/", {"gateway": "vnpay", "key": key})
    assert again["Location"] == go["Location"]
    payment = Payment.objects.get(obligation__dossier=d)
    choose(vnpay, payment)
    ipn = client.get("/thanh-toan/thong-bao/vnpay/", prepared_callback(vnpay, payment.reference))
    assert ipn.json()["RspCode"] == "00"
    return client, d.code, payment


def test_pay_page_return_page_and_receipt(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    client, code, payment = _paid_dossier(personas, procedure, applicant, vnpay)
    back = client.get(f"/thanh-toan/ket-qua/{payment.reference}/")
    assert "Đã thanh toán 20000 đồng" in back.content.decode()
    page = client.get(f"/thanh-toan/ho-so/{code}/").content.decode()
    assert "không còn khoản phí" in page and "Tải biên lai điện tử" in page
    receipt = client.get(f"/thanh-toan/ho-so/{code}/bien-lai/{payment.obligation.public_id}/")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    mine = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "Xem phí, lệ phí và biên lai" in mine


def test_return_page_settles_by_asking_the_gateway(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    d = submit_online(personas, procedure, applicant)
    client = Client()
    client.force_login(personas.citizen)
    submitted = client.get(f"/nop-ho-so/da-nop/{d.code}/").content.decode()
    assert "Thanh toán ngay" in submitted and "20.000 đồng" in submitted
    from motcua.payments.services import payment_start

    payment = payment_start(
        obligation=due_obligation(d), gateway="vnpay", idempotency_key="r"
    ).payment
    choose(vnpay, payment)  # callback dropped
    back = client.get(f"/thanh-toan/ket-qua/{payment.reference}/").content.decode()
    assert "Đã thanh toán" in back
    payment.refresh_from_db()
    assert payment.state == "paid"
    assert payment.transitions.filter(to_state="paid").get().source == "return"


def test_office_report_and_xlsx(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    _client, code, _payment = _paid_dossier(personas, procedure, applicant, vnpay)
    office = Client()
    office.force_login(personas.officer)
    page = office.get("/thanh-toan/can-bo/")
    assert page.status_code == 200
    html = page.content.decode()
    assert code in html and personas.place.agency_a.name in html
    xlsx = office.get("/thanh-toan/can-bo/", {"dang": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị" and rows[1][0] == personas.place.agency_a.name
    assert rows[1][3:5] == (1, 20000)
    other = Client()
    other.force_login(personas.officer_b)
    assert code not in other.get("/thanh-toan/can-bo/").content.decode()


def test_api_obligations_start_and_read(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    d = submit_online(personas, procedure, applicant)
    client = Client()
    client.force_login(personas.citizen)
    listed = client.get(f"/api/v1/payments/dossiers/{d.code}/obligations").json()
    assert listed[0]["amount_vnd"] == 20000 and listed[0]["state"] == "due"
    url = f"/api/v1/payments/obligations/{listed[0]['public_id']}/payments"

    def start(key: str | None) -> Any:
        headers = {"Idempotency-Key": key} if key is not None else {}
        return client.post(
            url, json.dumps({"gateway": "vnpay"}), content_type="application/json", headers=headers
        )

    first = start("api-1")
    assert first.status_code == 201 and first.json()["state"] == "pending"
    again = start("api-1")
    assert again.status_code == 200 and again.json()["reference"] == first.json()["reference"]
    assert start(None).status_code == 422
    read = client.get(f"/api/v1/payments/{first.json()['reference']}").json()
    assert [t["to_state"] for t in read["transitions"]] == ["pending"]


def test_back_office_dossier_page_lists_the_fees(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    _client, code, payment = _paid_dossier(personas, procedure, applicant, vnpay)
    office = Client()
    office.force_login(personas.officer)
    html = office.get(f"/can-bo/ho-so/{code}/").content.decode()
    assert "Phí, lệ phí" in html and f"{payment.reference}: Đã thanh toán" in html
    assert "Thanh toán và đối soát" in office.get("/can-bo/").content.decode()
