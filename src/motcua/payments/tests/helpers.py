"""Test helpers: submit a dossier, drive a sandbox's pay page over HTTP."""

from __future__ import annotations

import urllib.parse
import urllib.request
from typing import Any

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import local
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.payments.models import Obligation, Payment
from motcua.testing import Personas


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def submit_online(
    p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, **kw: Any
) -> Dossier:
    kw.setdefault("now", local(2026, 3, 2, 8))
    return dossier_services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, channel="online", **kw
    )


def counter_dossier(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    """Filed at the counter (fees collected there: no obligation), then
    at the specialist's step."""
    d = dossier_services.dossier_submit(
        actor=p.officer,
        procedure=procedure,
        applicant=applicant,
        channel="counter",
        result_delivery="counter",
        now=local(2026, 3, 2, 9),
    )
    return dossier_services.dossier_forward(dossier=d, actor=p.officer, expected_version=1)


def ask_to_pay(p: Personas, d: Dossier, amount_vnd: int = 8000) -> Dossier:
    """The specialist asks to pay mid-way (the clock pauses)."""
    return dossier_services.dossier_ask_to_pay(
        dossier=d,
        actor=p.specialist,
        expected_version=d.version,
        amount_vnd=amount_vnd,
        reason="Lệ phí cấp bản sao",
    )


def due_obligation(dossier: Dossier) -> Obligation:
    return Obligation.objects.get(dossier=dossier, state="due")


def choose(sandbox: RunningSandbox, payment: Payment, choice: str = "pay") -> str:
    """Open the sandbox's page (real HTTP) and press "Thanh toán" or "Hủy";
    returns where the sandbox sends the browser back."""
    with urllib.request.urlopen(payment.pay_url, timeout=10) as page:  # noqa: S310
        html = page.read().decode()
    assert "Thanh toán" in html and f"{payment.amount_vnd:,}".replace(",", ".") in html
    action = html.split('action="', 1)[1].split('"', 1)[0]
    data = urllib.parse.urlencode({"ref": payment.reference, "choice": choice}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(sandbox.url + action, data=data, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302
        return str(exc.headers["Location"])
    raise AssertionError("the sandbox did not redirect")


def prepared_callback(sandbox: RunningSandbox, reference: str) -> dict[str, str]:
    row = sandbox.store.get(reference)
    assert row is not None
    return dict(row.last_callback)
