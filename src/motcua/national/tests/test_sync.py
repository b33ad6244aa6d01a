"""Dossier and progress sync against the simulator over a real socket."""

from __future__ import annotations

import datetime
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.factories import advance
from motcua.integrations.national_portal.simulator import NationalPortalSimulator
from motcua.national import links
from motcua.national.models import NationalSync
from motcua.national.tests.helpers import Collected, collected, submit
from motcua.testing import Personas

pytestmark = pytest.mark.django_db
__all__ = ["collected"]


def test_every_status_reaches_the_portal_in_order(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    national_portal: NationalPortalSimulator,
    collected: Collected,
) -> None:
    dossier = submit(personas, procedure, applicant)
    services = [m[3]["service"] for m in collected.portal]
    assert services == ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert collected.portal[0][3]["updating"] is False
    assert all(o.ok for o in collected.deliver())
    dossier = advance(dossier, personas, 4)
    outcomes = collected.deliver()
    assert all(o.ok for o in outcomes), outcomes
    dossier.refresh_from_db()
    assert national_portal.history(dossier.code) == [1, 2, 4, 9]
    held = national_portal.dossiers()[0]
    assert held["status"] == 9
    assert held["record"]["NgayTiepNhan"].isdigit() and len(held["record"]["NgayTiepNhan"]) == 14
    results = held["record"]["DanhSachGiayToKetQua"]
    assert results and results[0]["DuongDanTepTinKetQua"].startswith("http://")
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.sent_status == 9 and sync.state == "synced"
    emc = [m[3]["status"] for m in collected.measurement]
    assert emc == [1, 2]


def test_a_refusal_is_permanent_with_the_reason_and_an_outage_temporary(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    national_portal: NationalPortalSimulator,
    collected: Collected,
) -> None:
    submit(personas, procedure, applicant)
    national_portal.fail("error", times=-1)
    outcomes = collected.deliver()
    assert [o.permanent for o in outcomes] == [False, False]
    national_portal.fail("ok")
    # Progress before the dossier record: the portal refuses, permanently.
    submit(personas, procedure, applicant)
    progress_only = [m for m in collected.portal if m[3]["service"] == "CapNhatTienDoHoSoMC"]
    from motcua.national import delivery

    dossier_id, event_id, key, payload = progress_only[0]
    outcome = delivery.deliver_portal(payload, key=key, dossier_id=dossier_id, event_id=event_id)
    assert not outcome.ok and outcome.permanent and "chưa có" in outcome.reason


def test_signed_links_serve_the_file_without_a_session(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, client: Client
) -> None:
    dossier = advance(submit(personas, procedure, applicant), personas, 4)
    document = DossierDocument.objects.filter(dossier=dossier).select_related("file").first()
    assert document is not None
    url = links.url(document.file.public_id)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    token = path.rstrip("/").rsplit("/", 1)[1]
    file_id, expires, mac = token.split(".")
    for forged in (
        f"{file_id}.{int(expires) + 1}.{mac}",
        f"{file_id}.{expires}.{mac[:-1]}A",
        links.sign(file_id, now=timezone.now().timestamp() - 10, seconds=5),
        "x",
    ):
        assert client.get(f"/lien-thong/tep/{forged}/").status_code == 404


def test_lookup_differences_are_recorded_once(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    national_portal: NationalPortalSimulator,
    collected: Collected,
) -> None:
    from motcua.national.reconciliation import reconcile

    first = submit(personas, procedure, applicant)
    collected.deliver()
    second = submit(personas, procedure, applicant)  # never delivered
    collected.portal.clear()
    first = advance(first, personas, 1)  # accepted here, not yet there
    collected.portal.clear()
    now = timezone.now()
    Dossier.objects.update(last_event_at=now)
    seen: list[Any] = []

    def record(differences: Any) -> int:
        seen.extend(differences)
        return 0

    report = reconcile(now=now, repair=record)
    assert report.checked == 2 and report.synced == 0
    states = {d.code: (d.state, d.remote_status) for d in report.differences}
    assert states == {first.code: ("behind", 1), second.code: ("missing", None)}
    assert report.changed_rows == 2 and len(seen) == 2
    again = reconcile(now=now + datetime.timedelta(minutes=1))
    assert again.changed_rows == 0 and len(again.differences) == 2
    assert NationalSync.objects.get(dossier=second).state == "missing"


def test_a_batch_the_portal_cannot_answer_is_reported(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    national_portal: NationalPortalSimulator,
) -> None:
    from motcua.national.reconciliation import reconcile

    submit(personas, procedure, applicant)
    Dossier.objects.update(last_event_at=timezone.now())
    national_portal.fail("garbage", times=-1)
    report = reconcile()
    assert report.checked == 0 and len(report.failed_batches) == 1
    assert "JSON" in report.failed_batches[0][1]
    assert not NationalSync.objects.exists()


def test_procedures_come_through_the_catalogue_import(
    national_portal: NationalPortalSimulator,
) -> None:
    from motcua.catalog.models import Procedure
    from motcua.national.procedures import national_procedures_sync

    report = national_procedures_sync(codes=["1.001193"])
    assert report.added == ["1.001193"]
    assert Procedure.objects.get(code="1.001193").current_version is not None
    again = national_procedures_sync(codes=["1.001193"])
    assert again.unchanged == ["1.001193"]


def test_the_simulator_page_is_plain_html(national_portal: NationalPortalSimulator) -> None:
    with urllib.request.urlopen(national_portal.url + "/", timeout=5) as page:  # noqa: S310
        assert "Cổng Dịch vụ công quốc gia" in page.read().decode()
