"""Query budgets of the hot paths (docs/developers/dossiers.md, "Performance").

Each budget is the number of SQL statements one request or call makes with
warm per-process caches (the pinned procedure version, its workflow graph,
agencies and the working calendar), as in a running server. Raising one of
these numbers is a performance regression: look for a join or a lazy load
that crept back in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.calendar.services import add_working_time
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError
from motcua.dossiers import selectors, services
from motcua.dossiers.attachments import components_of
from motcua.dossiers.models import AccessChannel, Delivery, Dossier, DossierAccessLog
from motcua.dossiers.tests.factories import local
from motcua.dossiers.tests.test_selectors_api import URL, bearer, post
from motcua.outbox.models import OutboxMessage
from motcua.testing import Personas
from motcua.webhooks.selectors import active_units
from motcua.webhooks.services import subscription_create

# Tests run inside a transaction, so each atomic block of a write adds a
# SAVEPOINT and a RELEASE to the count (2 statements that a server does not
# send: its BEGIN / COMMIT are not counted statements).

#: Every event adds the hooks' statements (dossiers/hooks.py): the outbox rows of
#: the destinations that want the event (one bulk insert: national portal,
#: measurement) and, when the event moves a counter, the scorecards' summary
#: upsert. The webhooks' check costs none: the units with an active
#: subscription are kept in the shared cache (webhooks/selectors.py), and the
#: dossier's units have none here (issue #12 took that SELECT away).
OUTBOX_INSERT = 1
SUMMARY_UPSERT = 1
EVENT_HOOKS = OUTBOX_INSERT + SUMMARY_UPSERT
#: …with an active subscription in one of the dossier's units: its lookup.
WEBHOOK_SUBSCRIPTIONS = 1
#: After the submission the dossier's earlier events are read ONCE per event
#: (``dossiers.hooks.earlier_events``): the scorecards judge the step and the
#: dossier from them and, on a step inside processing (forward), the national
#: destination takes the previous action from the same list (issue #12: it
#: used to read them a second time).
LOOKBACK = 1

#: Statements per request through the HTTP API (bearer-token auth: 1).
API_SUBMIT = (
    9 + EVENT_HOOKS
)  # token, procedure, applicant, idempotency key; counter, dossier, event
API_TRACK = 3  # dossier, events, access log
API_GET = 4  # token, dossier, roles, access log
#: The acceptance moves no counter (unless it is late): no summary upsert.
API_ACCEPT = 9 + OUTBOX_INSERT + LOOKBACK  # token, dossier, roles, access log; update, event, run
API_FORWARD = 10 + EVENT_HOOKS + LOOKBACK  # … update, event, close step run, open step run
API_DECIDE = 9 + EVENT_HOOKS + LOOKBACK  # … update, event, close step run
API_HAND_OVER = 8 + EVENT_HOOKS + LOOKBACK  # … update, event
#: Statements per ``selectors.dossier_act`` call (read + action, one commit;
#: the access-log row is inside the action's transaction).
ACT_ACCEPT = 8 + OUTBOX_INSERT + LOOKBACK
ACT_FORWARD = 9 + EVENT_HOOKS + LOOKBACK
ACT_DECIDE = 8 + EVENT_HOOKS + LOOKBACK
ACT_HAND_OVER = 7 + EVENT_HOOKS + LOOKBACK

#: The budgets count a shared cache that costs no database query, like Redis
#: in production (the rate limiter's counters and the webhooks' subscribed
#: units live there; the database cache of a machine without Redis would add
#: its own statements).
pytestmark = pytest.mark.usefixtures("memory_cache")


@pytest.fixture
def warm(personas: Personas, procedure: ConfiguredProcedure) -> None:
    """A server's caches after its first requests: the calendar, the
    pinned version (filled by a first submission) and the units with webhook
    subscriptions (filled by a first event)."""
    add_working_time(
        start=local(2026, 3, 2, 8),
        duration=datetime.timedelta(hours=1),
        province_code=personas.place.province.code,
    )
    cpv = services.pinned_version(procedure.current_version_id)  # type: ignore[arg-type]
    components_of(cpv.procedure_version_id)
    services.agencies_by_id([personas.place.agency_a.pk, procedure.agency_id, procedure.agency.pk])
    active_units()


def _file(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return services.dossier_submit(
        actor=p.citizen,
        procedure=procedure,
        applicant=applicant,
        result_delivery=Delivery.COUNTER,
    )


def test_api_budgets_through_the_lifecycle(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    warm: None,
    client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    p = personas
    citizen, officer = bearer(p.citizen), bearer(p.officer)
    specialist, leader = bearer(p.specialist), bearer(p.leader)
    body = {"procedure": str(procedure.public_id), "result_delivery": "counter"}
    with django_assert_max_num_queries(API_SUBMIT):
        resp = post(client, URL, body, citizen, HTTP_IDEMPOTENCY_KEY="perf-1")
    assert resp.status_code == 201, resp.content
    code = resp.json()["code"]
    factor = resp.json()["tracking_token"]

    with django_assert_max_num_queries(API_TRACK):
        resp = client.get(f"{URL}/track/{code}", {"factor": factor})
    assert resp.status_code == 200, resp.content

    with django_assert_max_num_queries(API_GET):
        resp = client.get(f"{URL}/{code}", **officer)
    assert resp.status_code == 200, resp.content

    steps = [
        ("accept", officer, API_ACCEPT, {}),
        ("forward", officer, API_FORWARD, {}),
        ("forward", specialist, API_FORWARD, {}),
        ("decide", leader, API_DECIDE, {}),
        ("hand_over", officer, API_HAND_OVER, {"received_by": "Người nhận"}),
    ]
    for version, (action, auth, budget, extra) in enumerate(steps, start=1):
        with django_assert_max_num_queries(budget):
            resp = post(
                client,
                f"{URL}/{code}/actions/{action}",
                {"expected_version": version, **extra},
                auth,
            )
        assert resp.status_code == 200, (action, resp.content)
    assert resp.json()["state"] == "returned"


def test_dossier_act_budgets_and_access_log(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    warm: None,
    django_assert_max_num_queries: Any,
) -> None:
    """``selectors.dossier_act`` reads and acts with one commit: the access
    log row is written inside the action's transaction."""
    p = personas
    d = _file(p, procedure, applicant)
    steps: list[tuple[str, Any, int, dict[str, Any]]] = [
        ("accept", p.officer, ACT_ACCEPT, {}),
        ("forward", p.officer, ACT_FORWARD, {}),
        ("forward", p.specialist, ACT_FORWARD, {}),
        ("decide", p.leader, ACT_DECIDE, {}),
        ("hand_over", p.officer, ACT_HAND_OVER, {}),
    ]
    for version, (action, user, budget, extra) in enumerate(steps, start=1):
        with django_assert_max_num_queries(budget):
            d = selectors.dossier_act(
                user=user, code=d.code, action=action, expected_version=version, **extra
            )
    assert d.state == "returned"
    logs = DossierAccessLog.objects.filter(dossier=d, channel=AccessChannel.API)
    assert logs.count() == len(steps)


def test_dossier_act_logs_the_read_when_the_action_fails(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = _file(p, procedure, applicant)
    with pytest.raises(DomainError) as err:
        selectors.dossier_act(user=p.officer, code=d.code, action="decide", expected_version=1)
    assert err.value.code == "action_not_allowed"
    assert DossierAccessLog.objects.filter(dossier=d, user=p.officer).count() == 1
    d.refresh_from_db()
    assert d.version == 1


def test_service_budgets(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    warm: None,
    django_assert_max_num_queries: Any,
) -> None:
    p = personas
    with django_assert_max_num_queries(5 + EVENT_HOOKS):
        d = _file(p, procedure, applicant)
    with django_assert_max_num_queries(3):
        selectors.dossier_track(code=d.code, factor=d.tracking_token)
    with django_assert_max_num_queries(3):
        got = selectors.dossier_get_for_user(user=p.officer, code=d.code)
    with django_assert_max_num_queries(5 + OUTBOX_INSERT + LOOKBACK):
        services.dossier_accept(dossier=got, actor=p.officer, expected_version=1)


def test_a_webhook_subscription_costs_its_lookup_and_nothing_more(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    warm: None,
    django_assert_max_num_queries: Any,
) -> None:
    """With an active subscription in the dossier's unit, an event adds the
    subscriptions' lookup (the unit's public id comes from the agency cache;
    the row joins the outbox's one bulk insert); without one it adds
    nothing (the budgets above)."""
    p = personas
    subscription_create(
        agency=p.place.agency_a, name="Hệ thống thống kê", url="http://127.0.0.1:9/", event_types=[]
    )
    active_units()  # the next event's refill of the cache, done here
    with django_assert_max_num_queries(5 + EVENT_HOOKS + WEBHOOK_SUBSCRIPTIONS):
        d = _file(p, procedure, applicant)
    got = selectors.dossier_get_for_user(user=p.officer, code=d.code)
    with django_assert_max_num_queries(5 + OUTBOX_INSERT + LOOKBACK + WEBHOOK_SUBSCRIPTIONS):
        services.dossier_accept(dossier=got, actor=p.officer, expected_version=1)
    rows = OutboxMessage.objects.filter(destination="webhooks", dossier=d)
    assert rows.count() == 2


def test_tracking_matches_the_slow_path(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    """The tracking read (plain tuples, cached graph) shows what the event
    log says."""
    p = personas
    d = _file(p, procedure, applicant)
    d = services.dossier_accept(dossier=d, actor=p.officer, expected_version=1)
    d = services.dossier_forward(dossier=d, actor=p.officer, expected_version=2)
    t = selectors.dossier_track(code=d.code, factor=d.tracking_token)
    assert t.procedure == procedure.current_version.procedure_version.name  # type: ignore[union-attr]
    assert [s.key for s in t.steps] == ["reception", "specialist"]
    assert t.steps[0].name == "Tiếp nhận" and t.steps[0].ended_at is not None
    assert [e.action for e in t.timeline] == ["submit", "accept", "forward"]
    assert t.holding_unit == d.processing_agency.name
    assert t.state == "processing" and t.national_status == 4


#: The officer's queue through the API, any page: token, the person's roles,
#: one keyset range per held (agency, role) and one for consultations.
API_QUEUE_PAGE = 4


def test_api_queue_page_budget(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    warm: None,
    client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(3):
        _file(personas, procedure, applicant)
    officer = bearer(personas.officer)
    with django_assert_max_num_queries(API_QUEUE_PAGE):
        first = client.get(URL, {"limit": 2}, **officer)
    assert first.status_code == 200, first.content
    cursor = first.headers["X-Next-Cursor"]
    # + per part, the rows without a due moment (read once the keyed rows run out)
    with django_assert_max_num_queries(API_QUEUE_PAGE + 2):
        resp = client.get(URL, {"limit": 2, "cursor": cursor}, **officer)
    assert resp.status_code == 200, resp.content
    assert len(first.json()) + len(resp.json()) == 3
