"""Dossiers walked through varied lives for the scorecard tests: on time,
late, withdrawn, refused, supplemented, apologised."""

from __future__ import annotations

import datetime

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import local, result_attachment
from motcua.testing import Personas


def _v(d: Dossier) -> int:
    return Dossier.objects.get(pk=d.pk).version


def walk(
    p: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    *,
    start: datetime.datetime,
    plan: list[str],
    gap_hours: int = 20,
    channel: str = "online",
) -> Dossier:
    """File a dossier at ``start`` and take the actions of ``plan`` in
    order, ``gap_hours`` apart; an action the state does not allow is
    skipped (the domain refuses it)."""
    now = start
    d = services.dossier_submit(
        actor=p.citizen if channel == "online" else p.officer,
        procedure=procedure,
        applicant=applicant,
        channel=channel,
        now=now,
    )
    for step in plan:
        now = now + datetime.timedelta(hours=gap_hours)
        d = Dossier.objects.get(pk=d.pk)
        v = d.version
        try:
            if step == "accept":
                d = services.dossier_accept(dossier=d, actor=p.officer, expected_version=v, now=now)
            elif step == "refuse":
                d = services.dossier_refuse(
                    dossier=d,
                    actor=p.officer,
                    expected_version=v,
                    reasons=["Thiếu giấy tờ"],
                    now=now,
                )
            elif step == "forward_officer":
                d = services.dossier_forward(
                    dossier=d, actor=p.officer, expected_version=v, now=now
                )
            elif step == "forward_specialist":
                d = services.dossier_forward(
                    dossier=d, actor=p.specialist, expected_version=v, now=now
                )
            elif step == "send_back":
                d = services.dossier_send_back(
                    dossier=d, actor=p.leader, expected_version=v, note="Xem lại", now=now
                )
            elif step == "decide":
                d = services.dossier_decide(
                    dossier=d,
                    actor=p.leader,
                    expected_version=v,
                    result=[result_attachment(p.leader)],
                    now=now,
                )
            elif step == "hand_over":
                d = services.dossier_hand_over(
                    dossier=d, actor=p.officer, expected_version=v, now=now
                )
            elif step == "withdraw":
                d = services.dossier_withdraw(
                    dossier=d, actor=p.citizen, expected_version=v, reason="Không cần nữa", now=now
                )
            elif step == "ask_to_supplement":
                d = services.dossier_ask_to_supplement(
                    dossier=d,
                    actor=p.specialist,
                    expected_version=v,
                    reason="Bổ sung bản sao",
                    items=["Bản sao giấy tờ"],
                    now=now,
                )
            elif step == "supplement":
                d = services.dossier_supplement(
                    dossier=d, actor=p.citizen, expected_version=v, note="Đã bổ sung", now=now
                )
            elif step == "apologise":
                assert d.appointment_at is not None
                d = services.dossier_apologise(
                    dossier=d,
                    actor=p.specialist,
                    expected_version=v,
                    new_appointment=d.appointment_at + datetime.timedelta(days=7),
                    reason="Cần thêm thời gian xác minh",
                    now=now,
                )
            elif step == "wait":
                now = now + datetime.timedelta(days=4)
        except DomainError:
            continue
    return Dossier.objects.get(pk=d.pk)


PLANS: dict[str, list[str]] = {
    "on_time": ["accept", "forward_officer", "forward_specialist", "decide", "hand_over"],
    "late": ["accept", "forward_officer", "wait", "forward_specialist", "wait", "decide"],
    "withdrawn": ["accept", "forward_officer", "withdraw"],
    "refused": ["refuse"],
    "supplemented": [
        "accept",
        "forward_officer",
        "ask_to_supplement",
        "supplement",
        "forward_specialist",
        "send_back",
        "forward_specialist",
        "decide",
    ],
    "apologised": [
        "accept",
        "forward_officer",
        "apologise",
        "wait",
        "forward_specialist",
        "decide",
    ],
    "open": ["accept", "forward_officer"],
}

START = local(2026, 3, 2, 8)
