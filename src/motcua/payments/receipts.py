"""The electronic receipt (biên lai điện tử) of a paid obligation, as PDF
(WeasyPrint, like the dossier's forms), with a QR code to the dossier's
public tracking page."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.documents.pdf import _weasy_document, qr_data_uri
from motcua.payments.models import Obligation, Payment
from motcua.payments.states import PaymentState


def receipt_html(*, obligation: Obligation) -> str:
    dossier = obligation.dossier
    payment = Payment.objects.filter(obligation=obligation, state=PaymentState.PAID).first()
    track = (
        f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/tra-cuu/?ma={dossier.code}"
        f"&t={dossier.tracking_token}"
    )
    return render_to_string(
        "documents/forms/payment_receipt.html",
        {
            "o": obligation,
            "d": dossier,
            "p": payment,
            "paid_at": timezone.localtime(obligation.paid_at) if obligation.paid_at else None,
            "agency": obligation.agency,
            "qr": qr_data_uri(track),
        },
    )


def receipt_pdf(*, obligation: Obligation) -> bytes:
    pdf: bytes = _weasy_document(receipt_html(obligation=obligation)).write_pdf()
    return pdf
