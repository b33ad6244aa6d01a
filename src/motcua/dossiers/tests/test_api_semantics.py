"""API semantics shared with the back office: Idempotency-Key fingerprints,
a stale ``expected_version`` answered 409 before any other check in every
action, and token scopes on every API operation."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from motcua.accounts.models import ApiToken, Applicant, User
from motcua.accounts.services import api_token_issue, api_token_revoke
from motcua.backoffice.actions import LABELS
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import Conflict
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
from motcua.dossiers.tests.factories import add_components, advance, local, upload
from motcua.testing import PASSWORD, Personas, assert_problem

URL = "/api/v1/dossiers"


def bearer(user: User, *scopes: str) -> dict[str, str]:
    _token, raw = api_token_issue(user=user, name="thử", scopes=scopes or ("read", "act", "submit"))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client: Any, url: str, body: Any, auth: dict[str, str], **extra: str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **auth, **extra)


# ------------------------------------------------------------ idempotency


def test_same_key_same_body_answers_the_first_dossier_again(
    personas: Personas, procedure: ConfiguredProcedure, client: Any
) -> None:
    auth = bearer(personas.citizen)
    body = {"procedure": str(procedure.public_id), "form_data": {"ghi_chu": "Nguyễn"}}
    first = post(client, URL, body, auth, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    # The same data, keys in another order, other spacing, NFD text.
    same = (
        '{ "form_data": {"ghi_chu": "Nguye\u0302\u0303n"},  "procedure": "'
        + str(procedure.public_id)
        + '"}'
    )
    again = post(client, URL, same, auth, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    stored = Dossier.objects.get()
    assert len(stored.idempotency_fingerprint) == 64


def test_same_key_other_body_is_409_and_files_nothing(
    personas: Personas, procedure: ConfiguredProcedure, client: Any
) -> None:
    auth = bearer(personas.citizen)
    body = {"procedure": str(procedure.public_id), "form_data": {"a": 1}}
    assert post(client, URL, body, auth, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    other = {"procedure": str(procedure.public_id), "form_data": {"a": 2}}
    resp = post(client, URL, other, auth, HTTP_IDEMPOTENCY_KEY="k-2")
    assert_problem(resp, status=409, code="idempotency_key_reused")
    assert Dossier.objects.count() == 1
    # Another key with that body is a new dossier.
    assert post(client, URL, other, auth, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    assert Dossier.objects.count() == 2


def test_service_refuses_a_reused_key_with_another_fingerprint(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    def submit(fingerprint: str) -> Dossier:
        return services.dossier_submit(
            actor=personas.citizen,
            procedure=procedure,
            applicant=applicant,
            idempotency_key="svc",
            idempotency_fingerprint=fingerprint,
            now=local(2026, 3, 2, 8),
        )

    first = submit("a" * 64)
    assert submit("a" * 64).pk == first.pk
    with pytest.raises(Conflict) as err:
        submit("b" * 64)
    assert err.value.code == "idempotency_key_reused"
    # Callers without a fingerprint (drafts, counter) keep the old rule.
    assert submit("").pk == first.pk


# ------------------------------------------------------ version conflicts


@pytest.fixture
def dossier(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )


@pytest.mark.parametrize("action", sorted(services.ACTIONS))
@pytest.mark.parametrize("who", ["officer", "citizen"])
def test_stale_version_is_409_first_in_every_api_action(
    personas: Personas, dossier: Dossier, client: Any, action: str, who: str
) -> None:
    """Version 0 is stale (the dossier is at 1). Whatever else is wrong —
    the state, the role, a missing reason, an unknown holder — the answer is
    the version conflict."""
    user: User = getattr(personas, who)
    resp = post(
        client, f"{URL}/{dossier.code}/actions/{action}", {"expected_version": 0}, bearer(user)
    )
    assert_problem(resp, status=409, code="dossier_version_conflict")
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


@pytest.mark.parametrize("action", sorted(services.ACTIONS))
def test_stale_version_is_a_conflict_first_in_every_service(
    personas: Personas, dossier: Dossier, action: str
) -> None:
    with pytest.raises(Conflict) as err:
        services.ACTIONS[action](dossier=dossier, actor=personas.officer_b, expected_version=7)
    assert err.value.code == "dossier_version_conflict"


@pytest.mark.parametrize("action", sorted(LABELS))
def test_stale_version_is_409_first_in_every_back_office_action(
    personas: Personas, dossier: Dossier, client: Any, action: str
) -> None:
    client.login(username=personas.specialist.username, password=PASSWORD)
    resp = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/{action}/", {"expected_version": "0"}
    )
    assert resp.status_code == 409
    assert "vừa được người khác cập nhật" in resp.content.decode()
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


# ------------------------------------------------------------------ scopes


def test_read_token_reads_but_may_not_act_or_submit(
    personas: Personas, procedure: ConfiguredProcedure, dossier: Dossier, client: Any
) -> None:
    read = bearer(personas.officer, "read")
    assert client.get(f"{URL}/{dossier.code}", **read).status_code == 200
    acted = post(client, f"{URL}/{dossier.code}/actions/accept", {"expected_version": 1}, read)
    assert_problem(acted, status=403, code="insufficient_scope")
    filed = post(
        client, URL, {"procedure": str(procedure.public_id)}, bearer(personas.citizen, "read")
    )
    assert_problem(filed, status=403, code="insufficient_scope")
    act = bearer(personas.officer, "act")
    assert_problem(
        client.get(f"{URL}/{dossier.code}", **act), status=403, code="insufficient_scope"
    )
    done = post(client, f"{URL}/{dossier.code}/actions/accept", {"expected_version": 1}, act)
    assert done.status_code == 200, done.content
    submit_only = bearer(personas.citizen, "submit")
    ok = post(client, URL, {"procedure": str(procedure.public_id)}, submit_only)
    assert ok.status_code == 201, ok.content


def test_expired_and_revoked_tokens_authenticate_nobody(
    personas: Personas, dossier: Dossier, client: Any
) -> None:
    token, raw = api_token_issue(user=personas.officer, name="hết hạn", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"{URL}/{dossier.code}", **auth).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert_problem(
        client.get(f"{URL}/{dossier.code}", **auth), status=401, code="not_authenticated"
    )
    token2, raw2 = api_token_issue(user=personas.officer, name="thu hồi")
    auth2 = {"HTTP_AUTHORIZATION": f"Bearer {raw2}"}
    assert client.get(f"{URL}/{dossier.code}", **auth2).status_code == 200
    api_token_revoke(actor=personas.officer, token=token2)
    assert_problem(
        client.get(f"{URL}/{dossier.code}", **auth2), status=401, code="not_authenticated"
    )


def test_every_api_operation_declares_how_it_is_authorised() -> None:
    """Every operation is public on purpose (a short list) or takes a token
    whose scope is checked; a new endpoint cannot slip through unscoped."""
    from ninja.security import SessionAuth

    from motcua.api.api import api
    from motcua.api.auth import TokenAuth

    public = set()
    scoped = 0
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                auth = op.auth_callbacks
                if not auth:
                    public.add((tuple(op.methods), path))
                    continue
                kinds = {type(a) for a in auth}
                assert kinds <= {TokenAuth, SessionAuth}, (path, kinds)
                assert TokenAuth in kinds, path
                scoped += 1
    assert scoped >= 6
    assert all(m == ("GET",) for m, _p in public), public


# --------------------------------------------------- supplementation answer


def _asked_for_copy(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Any:
    """A dossier at the specialist's step, asked (event 4) for the copy of
    the ID document only."""
    form, copy = add_components(procedure)
    filed = services.dossier_submit(
        actor=p.citizen,
        procedure=procedure,
        applicant=applicant,
        attachments=[Attachment(file=upload(p.citizen), component_id=form.pk)],
        now=local(2026, 3, 2, 8),
    )
    asked = RequestedItem(reason_code="missing", text="Nộp bản sao", component_id=copy.pk)
    d = services.dossier_ask_to_supplement(
        dossier=advance(filed, p, 2),
        actor=p.specialist,
        expected_version=3,
        reason="Thiếu bản sao giấy tờ tùy thân",
        requested=[asked],
        now=local(2026, 3, 4, 11),
    )
    return d, form, copy


def test_api_supplementation_names_the_parts_and_attaches_them(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, client: Any
) -> None:
    p = personas
    d, form, copy = _asked_for_copy(p, procedure, applicant)
    auth = bearer(p.citizen)
    asked = client.get(f"{URL}/{d.code}/request", **auth)
    assert asked.status_code == 200, asked.content
    body = asked.json()
    assert body["answer_with"] == "supplement" and body["form_fix"] is False
    assert body["parts"] == [
        {
            "component": copy.pk,
            "component_name": "Bản sao giấy tờ tùy thân",
            "reason_code": "missing",
            "reason": "Thiếu giấy tờ",
            "text": "Nộp bản sao",
        }
    ]
    url = f"{URL}/{d.code}/actions/supplement"
    # Nothing for the named part: refused.
    resp = post(client, url, {"expected_version": 4}, auth)
    assert_problem(resp, status=422, code="requested_part_missing")
    # A file for a part nobody asked for: refused.
    other = upload(p.citizen, "to-khai-moi.pdf")
    resp = post(
        client,
        url,
        {
            "expected_version": 4,
            "documents": [{"component": form.pk, "file": str(other.public_id)}],
        },
        auth,
    )
    assert_problem(resp, status=422, code="part_not_requested")
    # The form nobody asked to correct: refused.
    copy_file = upload(p.citizen, "ban-sao.pdf")
    docs = [{"component": copy.pk, "file": str(copy_file.public_id)}]
    resp = post(
        client, url, {"expected_version": 4, "documents": docs, "form_data": {"x": 1}}, auth
    )
    assert_problem(resp, status=422, code="form_not_requested")
    assert Dossier.objects.get(pk=d.pk).version == 4
    # The named part: attached exactly as the portal does.
    resp = post(client, url, {"expected_version": 4, "documents": docs, "note": "Đã bổ sung"}, auth)
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "processing"
    added = DossierDocument.objects.get(dossier=d, kind="supplement")
    assert added.component_id == copy.pk and added.file_id == copy_file.pk and added.event_seq == 5
    gone = client.get(f"{URL}/{d.code}/request", **auth)
    assert_problem(gone, status=404, code="no_open_request")


def test_api_answer_must_be_the_action_the_state_calls_for(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, client: Any
) -> None:
    d, _form, copy = _asked_for_copy(personas, procedure, applicant)
    f = upload(personas.citizen, "ban-sao.pdf")
    body = {"expected_version": 4, "documents": [{"component": copy.pk, "file": str(f.public_id)}]}
    resp = post(client, f"{URL}/{d.code}/actions/complete", body, bearer(personas.citizen))
    assert_problem(resp, status=400, code="action_not_allowed")
    # An officer may not answer for the applicant.
    resp = post(client, f"{URL}/{d.code}/actions/supplement", body, bearer(personas.specialist))
    assert_problem(resp, status=403, code="not_applicant")
