"""Concurrent callbacks on PostgreSQL (row locks are real there): two
successful callbacks for two attempts of one obligation, and one callback
delivered twice at once. Never two successful charges; one application.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_w3 pytest …"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.payments import services
from motcua.payments.models import CallbackRecord, Obligation, Payment
from motcua.payments.tests.helpers import choose, due_obligation, prepared_callback, submit_online
from motcua.testing import Personas

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under concurrency: PostgreSQL"
    ),
]


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def _deliver(params: dict[str, str]) -> Callable[[], str]:
    def call() -> str:
        applied, _answer = services.payment_callback(gateway="vnpay", params=params)
        return str(applied.outcome)

    return call


@pytest.mark.parametrize("round_", range(5))
def test_two_successes_for_one_obligation_at_once(
    round_: int,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    a = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="a").payment
    b = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="b").payment
    choose(vnpay, a)
    choose(vnpay, b)
    outcomes = _together(
        [
            _deliver(prepared_callback(vnpay, a.reference)),
            _deliver(prepared_callback(vnpay, b.reference)),
        ]
    )
    assert outcomes == ["applied", "applied"]
    states = sorted(Payment.objects.filter(obligation=o).values_list("state", flat=True))
    assert states == ["paid", "refunded"]
    assert Obligation.objects.get(pk=o.pk).state == "paid"


@pytest.mark.parametrize("round_", range(5))
def test_one_callback_delivered_twice_at_once(
    round_: int,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    a = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="a").payment
    choose(vnpay, a)
    params = prepared_callback(vnpay, a.reference)
    outcomes = _together([_deliver(params), _deliver(params), _deliver(params)])
    assert sorted(outcomes) == ["applied", "duplicate", "duplicate"]
    assert Payment.objects.get(pk=a.pk).transitions.filter(to_state="paid").count() == 1
    assert CallbackRecord.objects.filter(reference=a.reference).count() == 3
