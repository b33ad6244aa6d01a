"""Background tasks of the payments app (django-tasks)."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger("motcua.payments")


@task()
def resume_dossier_task(obligation_id: int) -> str:
    """The obligation was paid: resume the dossier (``pay``). Run twice, the
    second run finds the dossier no longer waiting and does nothing."""
    from motcua.core.errors import DomainError
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.states import State
    from motcua.payments.models import Obligation, Payment
    from motcua.payments.states import ObligationState, PaymentState

    obligation = Obligation.objects.select_related("dossier").get(pk=obligation_id)
    dossier = obligation.dossier
    if obligation.state != ObligationState.PAID or dossier.state != State.AWAITING_PAYMENT:
        return "nothing"
    payment = Payment.objects.filter(obligation=obligation, state=PaymentState.PAID).first()
    try:
        dossier_services.dossier_pay(
            dossier=dossier,
            actor=None,
            expected_version=dossier.version,
            reference=payment.reference if payment else "",
        )
    except DomainError as exc:
        log.warning(
            "resume after payment refused", extra={"obligation": obligation_id, "code": exc}
        )
        return "refused"
    return "resumed"


@task()
def reconcile_payments_task() -> dict[str, int]:
    """The reconciliation sweep (scheduled in ``jobs/schedule.py``)."""
    from motcua.payments.services import payments_reconcile

    report = payments_reconcile()
    return {
        "checked": report.checked,
        "settled": report.settled,
        "expired": report.expired,
        "errors": report.errors,
    }


@task()
def send_refund_task(refund_id: int) -> str:
    """Send one refund to its gateway (enqueued after the request commits)."""
    from motcua.payments.refunds import refund_send

    return refund_send(refund_id=refund_id)


@task()
def resend_refunds_task() -> dict[str, int]:
    """The scheduled sweep of refunds to try again."""
    from motcua.payments.refunds import refunds_resend_due

    return {"tried": refunds_resend_due()}
