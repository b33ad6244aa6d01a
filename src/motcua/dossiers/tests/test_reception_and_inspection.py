"""Reading and receiving: an inspector of the province reads any unit's dossier (and the read is
logged) but cannot act on it."""

from __future__ import annotations

import pytest

from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers import selectors, services
from motcua.dossiers.models import DossierAccessLog
from motcua.dossiers.tests.factories import local

pytestmark = pytest.mark.django_db


def test_inspector_reads_but_cannot_act(personas, procedure, applicant):
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    seen = selectors.dossier_get_for_user(user=personas.inspector, code=d.code)
    assert seen.pk == d.pk
    assert DossierAccessLog.objects.filter(dossier=d, user=personas.inspector).count() == 1
    with pytest.raises((DomainError, NotFound, PermissionDenied)):
        services.dossier_accept(
            dossier=seen, actor=personas.inspector, expected_version=1, now=local(2026, 3, 2, 9)
        )
    seen.refresh_from_db()
    assert seen.state == "submitted" and seen.version == 1
    # An officer of another commune still gets "not found".
    with pytest.raises(NotFound):
        selectors.dossier_get_for_user(user=personas.officer_b, code=d.code)


def test_acceptance_records_late_reception(personas, procedure, applicant):
    """An online dossier accepted more than 8 working hours after submission
    is flagged as accepted late on its acceptance event."""
    from motcua.dossiers.models import DossierEvent

    on_time = services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=applicant,
        idempotency_key="a",
        now=local(2026, 3, 2, 8),
    )
    late = services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=applicant,
        idempotency_key="b",
        now=local(2026, 3, 2, 8),
    )
    # Reception is due 8 working hours later: Tuesday 08:00.
    services.dossier_accept(
        dossier=on_time, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 16)
    )
    services.dossier_accept(
        dossier=late, actor=personas.officer, expected_version=1, now=local(2026, 3, 3, 9)
    )
    flags = {
        e.dossier_id: e.payload["reception_late"]
        for e in DossierEvent.objects.filter(action="accept")
    }
    assert flags == {on_time.pk: False, late.pk: True}
