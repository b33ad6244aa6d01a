"""The cached set of units with an active subscription (issue #12): an event
of a unit without subscriptions costs the webhooks no query, and every change
of a subscription reaches the very next event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.outbox.models import OutboxMessage
from motcua.testing import Personas
from motcua.webhooks import services
from motcua.webhooks.destination import WebhookDestination
from motcua.webhooks.models import WebhookSubscription
from motcua.webhooks.selectors import ACTIVE_UNITS_KEY, active_units

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/nhan"


def _file(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return dossiers.dossier_submit(actor=personas.citizen, procedure=procedure, applicant=applicant)


def _rows(d: Dossier) -> int:
    return OutboxMessage.objects.filter(destination="webhooks", dossier=d).count()


def _subscribe(personas: Personas, **kw: Any) -> WebhookSubscription:
    return services.subscription_create(
        agency=personas.place.agency_a, name="Hệ thống thống kê", url=URL, event_types=[], **kw
    )


@pytest.mark.usefixtures("memory_cache")
def test_an_event_without_subscriptions_costs_no_query(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    django_assert_num_queries: Any,
) -> None:
    WebhookSubscription.objects.create(agency=personas.place.agency_b, name="Khác", url=URL)
    d = _file(personas, procedure, applicant)  # the first event fills the cache
    assert cache.get(ACTIVE_UNITS_KEY) == [personas.place.agency_b.pk]
    event = DossierEvent.objects.select_related("dossier").get(dossier=d, seq=1)
    with django_assert_num_queries(0):
        assert WebhookDestination().messages_for(event) == []
    assert _rows(d) == 0


@pytest.mark.usefixtures("memory_cache")
def test_every_change_of_a_subscription_reaches_the_next_event(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = _file(personas, procedure, applicant)
    assert _rows(d) == 0 and cache.get(ACTIVE_UNITS_KEY) == []
    sub = _subscribe(personas)  # created: the model's signal forgets the set
    d = dossiers.dossier_accept(dossier=d, actor=personas.officer, expected_version=1)
    assert _rows(d) == 1
    services.subscription_disable(subscription=sub)  # update(): the service forgets it
    d = dossiers.dossier_forward(dossier=d, actor=personas.officer, expected_version=2)
    assert _rows(d) == 1 and cache.get(ACTIVE_UNITS_KEY) == []
    services.subscription_enable(subscription=sub)
    e = _file(personas, procedure, applicant)
    assert _rows(e) == 1
    sub.delete()  # the admin's delete: the model's signal
    e = dossiers.dossier_accept(dossier=e, actor=personas.officer, expected_version=1)
    assert _rows(e) == 1
    saved = WebhookSubscription(agency=personas.place.agency_a, name="Qua trang quản trị", url=URL)
    saved.save()  # the admin's save
    e = dossiers.dossier_forward(dossier=e, actor=personas.officer, expected_version=2)
    assert _rows(e) == 2


@pytest.mark.usefixtures("memory_cache")
def test_the_set_is_forgotten_again_when_the_change_commits(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An event elsewhere may refill the cache between the change and its
    commit, from the rows as they were: the commit forgets it again."""
    assert active_units() == frozenset()
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(personas)
        cache.set(ACTIVE_UNITS_KEY, [])  # the refill of a concurrent event, before the commit
    assert cache.get(ACTIVE_UNITS_KEY) is None
    d = _file(personas, procedure, applicant)
    assert _rows(d) == 1


def test_the_database_cache_is_shared_as_well(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    """Without Redis the set lives in the database cache, which every worker
    reads: a subscription created reaches the next event the same way."""
    d = _file(personas, procedure, applicant)
    assert _rows(d) == 0 and cache.get(ACTIVE_UNITS_KEY) == []
    _subscribe(personas)
    d = dossiers.dossier_accept(dossier=d, actor=personas.officer, expected_version=1)
    assert _rows(d) == 1
    assert cache.get(ACTIVE_UNITS_KEY) == [personas.place.agency_a.pk]


def test_a_cache_that_does_not_answer_costs_the_query_not_the_event(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, settings: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }
    _subscribe(personas)
    d = _file(personas, procedure, applicant)
    assert _rows(d) == 1
    assert active_units() == frozenset({personas.place.agency_a.pk})
