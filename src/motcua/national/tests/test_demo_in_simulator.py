"""The demo, as `make run` serves it: a citizen files with a demo procedure,
the commune's officer acts in the back office, and the outbox worker's run
makes the dossier appear in the national-portal simulator and move there
(over its socket, as the simulator's page shows it)."""

from __future__ import annotations

import io
import urllib.request

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.accounts.models import Applicant, User
from motcua.catalog.models import ConfiguredProcedure, DocumentComponent, DocumentMode
from motcua.dossiers import services as dossier_services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.caches import CHANNEL_TO_CATALOG
from motcua.dossiers.models import Channel
from motcua.dossiers.tests.factories import upload
from motcua.integrations.national_portal.simulator import NationalPortalSimulator

# Transactional: the outbox worker's run closes its database connection when
# it ends, as a worker process does.
pytestmark = pytest.mark.django_db(transaction=True)

#: Ủy ban nhân dân xã Phú Khương in the demo province, and its one-stop officer.
COMMUNE = "vl-xa-28756"
OFFICER = "motcua.phukhuong"


def _page(simulator: NationalPortalSimulator) -> str:
    with urllib.request.urlopen(simulator.url + "/", timeout=30) as page:  # noqa: S310
        return str(page.read().decode())


def test_demo_dossiers_appear_and_move_in_the_simulator(
    client: Client, national_portal: NationalPortalSimulator
) -> None:
    call_command("demo", "--no-history", stdout=io.StringIO())
    # The first procedure of the commune offered online, filed with a file
    # for each document it requires (as the citizen uploads them).
    online = CHANNEL_TO_CATALOG[Channel.ONLINE]
    procedure = next(
        cp
        for cp in ConfiguredProcedure.objects.filter(agency__public_id=COMMUNE)
        .select_related("current_version")
        .order_by("procedure__code")
        if cp.current_version is not None and online in (cp.current_version.channels or [])
    )
    assert procedure.current_version is not None
    citizen = User.objects.get(username="congdan.an")
    required = DocumentComponent.objects.filter(
        version_id=procedure.current_version.procedure_version_id,
        required=True,
        mode=DocumentMode.SUBMIT,
    )
    dossier = dossier_services.dossier_submit(
        actor=citizen,
        procedure=procedure,
        applicant=Applicant.objects.get(user=citizen),
        attachments=[Attachment(file=upload(citizen), component_id=c.pk) for c in required],
    )
    assert national_portal.history(dossier.code) == []  # nothing leaves inside the transaction

    call_command("outbox_worker", "--once", stdout=io.StringIO())
    filed = national_portal.history(dossier.code)
    assert filed and filed[0] == 1, filed
    assert dossier.code in _page(national_portal)

    # The officer accepts it in the back office, as in the demo.
    client.force_login(User.objects.get(username=OFFICER))
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/accept/", {"expected_version": dossier.version}
    )
    assert response.status_code == 302, response.content[:500]
    dossier.refresh_from_db()
    assert dossier.state != "submitted", dossier.state

    call_command("outbox_worker", "--once", stdout=io.StringIO())
    moved = national_portal.history(dossier.code)
    assert len(moved) > len(filed) and moved[: len(filed)] == filed, moved
    held = next(d for d in national_portal.dossiers() if d["code"] == dossier.code)
    assert held["status"] == moved[-1]
