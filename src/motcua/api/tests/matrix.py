"""The machinery of the authorisation matrix (the table itself is in
``test_authorisation_matrix.py``): the roles, the world they act in, the
request each (endpoint, case) sends, and the enumeration of every API
operation and every page, so that an endpoint without a row fails.

Run ``MOTCUA_MATRIX_PRINT=1 pytest -s -n 0 src/motcua/api/tests/test_authorisation_matrix.py``
to print the observed table in the table's own format (for a new row: read
it, check every cell against the domain rules, then paste it).
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.accounts.models import Applicant, Role, RoleAssignment, User
from motcua.accounts.services import api_token_issue
from motcua.api.api import api
from motcua.catalog.models import ConfiguredProcedure, DocumentComponent
from motcua.documents.models import StoredFile
from motcua.documents.services import stored_file_create
from motcua.documents.tests.factories import handmade_pdf, png_bytes
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.factories import add_components, advance, local, make_procedure
from motcua.feedback.services import feedback_submit
from motcua.testing import Personas, make_citizen, make_personas, make_staff

#: The columns of the table, in order.
ROLES: tuple[str, ...] = (
    "anon",  # not signed in
    "own",  # the citizen who filed the dossiers
    "oth",  # another citizen
    "offA",  # one-stop officer of the dossiers' agency (commune A)
    "speA",  # specialist of commune A
    "ldrA",  # leader of commune A
    "admA",  # unit admin of commune A
    "offB",  # the same roles in another agency (commune B)
    "speB",
    "ldrB",
    "admB",
    "insp",  # inspector of the province
    "padm",  # province administrator
    "none",  # staff account with no role anywhere
)

#: Pages outside the matrix on purpose: Django's own admin (one row
#: ``admin:index`` proves only the province administrator's role opens it;
#: its pages per role are in ``accounts/tests/test_admin_access.py``) and
#: the API's documentation routes.
EXCLUDED_NAMESPACES = ("admin", "api-v1")

_MISSING_CODE = "000.01.01.H99-260302-9999"
_MISSING_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")


@dataclass
class World:
    """Everything the cells refer to, built once per module."""

    personas: Personas
    users: dict[str, User | None]
    tokens: dict[str, str]
    procedure: ConfiguredProcedure
    open_procedure: ConfiguredProcedure
    components: list[DocumentComponent]
    dossiers: dict[str, Dossier]  # by case: submitted, processing, supplementing, result_ready
    document: DossierDocument  # the citizen's PDF on the submitted dossier
    photo: DossierDocument  # the citizen's photo on the submitted dossier (has a thumbnail)
    result: DossierDocument  # the result on the result_ready dossier
    image: StoredFile  # an image the owner uploaded (has a thumbnail)
    clients: dict[str, Client] = field(default_factory=dict)

    def code(self, case: str) -> str:
        return _MISSING_CODE if case == "missing" else self.dossiers[case].code


def build_world() -> World:
    p = make_personas()
    place = p.place
    users: dict[str, User | None] = {
        "anon": None,
        "own": p.citizen,
        "oth": make_citizen("congdan_khac", "079200000456"),
        "offA": p.officer,
        "speA": p.specialist,
        "ldrA": p.leader,
        "admA": p.unit_admin,
        "offB": p.officer_b,
        "speB": make_staff("chuyenvien_b", (place.agency_b, Role.SPECIALIST)),
        "ldrB": make_staff("lanhdao_b", (place.agency_b, Role.LEADER)),
        "admB": make_staff("quantri_b", (place.agency_b, Role.UNIT_ADMIN)),
        "insp": p.inspector,
        "padm": p.province_admin,
        "none": make_staff("nhanvien", full_name="Nhân viên chưa có vai trò"),
    }
    procedure = make_procedure(place.agency_a)
    # Fees due at submission: every online dossier below owes 20 000 đồng.
    procedure.current_version.fees = [  # type: ignore[union-attr]
        {"name": "Lệ phí", "amount_vnd": 20000, "note": "", "local": False}
    ]
    procedure.current_version.save(update_fields=["fees"])  # type: ignore[union-attr]
    components = add_components(procedure)
    # A second procedure without documents, for the submission cells (so a
    # submission's answer is about who submits, not about missing papers).
    open_procedure = make_procedure(place.agency_a)
    for configured in (procedure, open_procedure):
        national = configured.procedure
        national.current_version = configured.current_version.procedure_version  # type: ignore[union-attr]
        national.save(update_fields=["current_version"])
    applicant = Applicant.objects.get(user=p.citizen)

    def submit(hour: int, *extra: Attachment) -> Dossier:
        pdf = stored_file_create(actor=p.citizen, content=handmade_pdf(), name="to-khai.pdf")
        return services.dossier_submit(
            actor=p.citizen,
            procedure=procedure,
            applicant=applicant,
            attachments=[Attachment(file=pdf, component_id=components[0].pk), *extra],
            now=local(2026, 3, 2, hour),
        )

    photo = stored_file_create(actor=p.citizen, content=png_bytes((400, 300)), name="anh.png")
    submitted = submit(8, Attachment(file=photo, component_id=components[1].pk))
    processing = advance(submit(9), p, 2)
    done = advance(submit(10), p, 4)
    asked = services.dossier_ask_to_supplement(
        dossier=advance(submit(11), p, 2),
        actor=p.specialist,
        expected_version=3,
        reason="Bản sao chưa rõ",
        items=["Bản sao giấy tờ tùy thân"],
        now=local(2026, 3, 4, 9),
    )
    image = stored_file_create(actor=p.citizen, content=png_bytes((400, 300)), name="anh.png")
    assert image.thumbnail, "the image should have a thumbnail"
    world = World(
        personas=p,
        users=users,
        tokens={},
        procedure=procedure,
        open_procedure=open_procedure,
        components=components,
        dossiers={
            "submitted": submitted,
            "processing": processing,
            "supplementing": asked,
            "result_ready": done,
        },
        document=DossierDocument.objects.get(
            dossier=submitted, file__content_type="application/pdf"
        ),
        photo=DossierDocument.objects.get(dossier=submitted, file=photo),
        result=DossierDocument.objects.get(dossier=done, kind="result"),
        image=image,
    )
    _payments(world)
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
            world.tokens[role] = api_token_issue(user=user, name="ma trận")[1]
        world.clients[role] = client
    return world


def _payments(world: World) -> None:
    """A pending payment on the submitted dossier's fees; the result-ready
    dossier's fees paid (it has a receipt)."""
    from django.utils import timezone

    from motcua.payments.models import Obligation, Payment

    now = timezone.now()
    due = Obligation.objects.get(dossier=world.dossiers["submitted"], state="due")
    Payment.objects.create(
        obligation=due,
        gateway="vnpay",
        reference=PAYMENT_REFERENCE,
        idempotency_key="ma-tran",
        amount_vnd=due.amount_vnd,
        state="pending",
        created_at=now,
        updated_at=now,
        expires_at=now + datetime.timedelta(minutes=30),
    )
    Obligation.objects.filter(dossier=world.dossiers["result_ready"], state="due").update(
        state="paid", paid_at=now, receipt_number="BL-MA-TRAN-1"
    )


PAYMENT_REFERENCE = "MATRANTHANHTOAN1"


def _obligation(w: World, case: str) -> uuid.UUID:
    from motcua.payments.models import Obligation

    if case == "missing":
        return _MISSING_UUID
    return Obligation.objects.filter(dossier=w.dossiers[case]).latest("pk").public_id


def _start_payment(w: World, case: str) -> Call:
    return Call(
        "POST",
        f"/api/v1/payments/obligations/{_obligation(w, case)}/payments",
        json={"gateway": "vnpay"},
        headers={"Idempotency-Key": "ma-tran-moi"},
    )


def _reference(case: str) -> str:
    return "KHONGCO" if case == "missing" else PAYMENT_REFERENCE


# --------------------------------------------------------------- requests


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    query: dict[str, str] | None = None
    headers: dict[str, str] | None = None


Builder = Callable[[World, str], Call]


def _post_json(path: str, body: dict[str, Any]) -> Call:
    return Call("POST", path, json=body)


def _upload(w: World, case: str) -> Call:
    return Call("POST", "/api/v1/files", form={"__file__": "tep.pdf"})


def _submit(w: World, case: str) -> Call:
    procedure = w.open_procedure.public_id if case == "own_agency" else _MISSING_UUID
    return _post_json("/api/v1/dossiers", {"procedure": str(procedure)})


def _act(w: World, case: str) -> Call:
    state, action = case.split(":")
    version = 1 if state in ("submitted", "missing") else w.dossiers[state].version
    return _post_json(
        f"/api/v1/dossiers/{w.code(state)}/actions/{action}", {"expected_version": version}
    )


def _bo_act(w: World, case: str) -> Call:
    state, action = case.split(":")
    version = 1 if state in ("submitted", "missing") else w.dossiers[state].version
    return Call(
        "POST",
        f"/can-bo/ho-so/{w.code(state)}/thao-tac/{action}/",
        form={"expected_version": str(version)},
    )


def _revoke_token(w: World, case: str) -> Call:
    """A fresh token of commune A's one-stop officer (``offA_token``), or
    one that does not exist."""
    token_id = 0
    if case == "offA_token":
        token_id = api_token_issue(user=w.personas.officer, name="thu hồi")[0].pk
    return Call("POST", f"/can-bo/tai-khoan/ma-truy-cap/{token_id}/thu-hoi/", form={})


def _postal_request(w: World, case: str) -> Call:
    body = {
        "send_dossier": True,
        "receive_result": False,
        "receiver_name": "Nguyễn Văn An",
        "receiver_phone": "0912345678",
        "receiver_address": "Số 1, xã A",
    }
    return Call("PUT", f"/api/v1/delivery/dossiers/{w.code(case)}/request", json=body)


def _rating(method: str) -> Builder:
    return lambda w, case: Call(
        method, f"/api/v1/feedback/ratings/{w.code(case)}", json={"level": "satisfied"}
    )


def _feedback_answer(w: World, case: str) -> Call:
    """An open feedback item routed to commune A, or one that does not exist."""
    item_id = _MISSING_UUID
    if case == "agency_a":
        item_id = feedback_submit(
            actor=w.personas.citizen,
            kind="feedback",
            subject="agency",
            agency_id=w.personas.place.agency_a.public_id,
            title="Phản ánh",
            content="Nội dung",
        ).public_id
    return _post_json(f"/api/v1/feedback/items/{item_id}/answer", {"answer": "Đã xử lý."})


def _feedback_page(w: World, case: str) -> Call:
    item = _feedback_answer(w, case).path.split("/")[-2]
    return Call("GET", f"/can-bo/phan-anh-kien-nghi/{item}/")


def _outbox_row(w: World, case: str) -> int:
    """A dead outbox row of the submitted dossier (commune A), or none."""
    if case == "missing":
        return 0
    from motcua.outbox.models import OutboxMessage, State
    from motcua.outbox.services import message_enqueue

    row = message_enqueue(
        destination="matrix", key="matrix-dead", payload={}, dossier_id=w.dossiers["submitted"].pk
    )
    OutboxMessage.objects.filter(pk=row.pk).update(state=State.DEAD)
    return int(row.pk)


def _webhook(w: World, case: str) -> int:
    """A webhook subscription of commune A, or none."""
    if case == "missing":
        return 0
    from motcua.webhooks.models import WebhookSubscription

    sub = WebhookSubscription.objects.create(
        agency=w.personas.place.agency_a, name="Ma trận", url="https://nhan.example.vn/"
    )
    return int(sub.pk)


def _procedure_uuid(w: World, case: str) -> uuid.UUID:
    return w.open_procedure.public_id if case == "own_agency" else _MISSING_UUID


def _national_file(w: World, case: str) -> Call:
    """A signed link to the result file, as sent to the national portal
    (``forged``: the same link with a changed signature)."""
    from motcua.national import links

    token = links.sign(w.result.file.public_id)
    if case == "forged":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    return Call("GET", f"/lien-thong/tep/{token}/")


def _get(path: str) -> Builder:
    return lambda w, case: Call("GET", path)


#: One builder per endpoint key; keys are ``"METHOD /api/v1/… template"`` for
#: API operations and ``"METHOD namespace:name"`` for pages.
BUILDERS: dict[str, Builder] = {
    # -------------------------------------------------------------- API
    "GET /api/v1/accounts/me": _get("/api/v1/accounts/me"),
    "GET /api/v1/accounts/agencies/{public_id}/staff": lambda w, c: Call(
        "GET", f"/api/v1/accounts/agencies/{w.personas.place.agency_a.public_id}/staff"
    ),
    "GET /api/v1/units/search": lambda w, c: Call(
        "GET", "/api/v1/units/search", query={"q": "Đông Hòa"}
    ),
    "GET /api/v1/units/agencies": lambda w, c: Call(
        "GET", "/api/v1/units/agencies", query={"q": "UBND"}
    ),
    "GET /api/v1/units/{generation}/{code}": _get("/api/v1/units/2025/99001"),
    "GET /api/v1/calendar/due": lambda w, c: Call(
        "GET", "/api/v1/calendar/due", query={"start": "2026-03-02T08:00:00+07:00", "days": "3"}
    ),
    "GET /api/v1/calendar/working-time": lambda w, c: Call(
        "GET", "/api/v1/calendar/working-time", query={"at": "2026-03-02T09:00:00+07:00"}
    ),
    "GET /api/v1/calendar/days-off": lambda w, c: Call(
        "GET", "/api/v1/calendar/days-off", query={"year": "2026"}
    ),
    "GET /api/v1/catalog/procedures": _get("/api/v1/catalog/procedures"),
    "GET /api/v1/catalog/procedures/{code}": lambda w, c: Call(
        "GET", f"/api/v1/catalog/procedures/{w.procedure.procedure.code}"
    ),
    "GET /api/v1/catalog/agencies/{public_id}/procedures": lambda w, c: Call(
        "GET", f"/api/v1/catalog/agencies/{w.personas.place.agency_a.public_id}/procedures"
    ),
    "GET /api/v1/catalog/procedures/{code}/estimate": lambda w, c: Call(
        "GET",
        f"/api/v1/catalog/procedures/{w.procedure.procedure.code}/estimate",
        query={"agency": w.personas.place.agency_a.public_id},
    ),
    "GET /api/v1/dossiers/track/{code}": lambda w, c: Call(
        "GET",
        f"/api/v1/dossiers/track/{w.code(c.split(':')[0])}",
        query={"factor": "0123" if c.endswith(":right_factor") else "9999"},
    ),
    "POST /api/v1/dossiers": _submit,
    "GET /api/v1/dossiers": lambda w, c: Call(
        "GET", "/api/v1/dossiers", query={"mine": "true"} if c == "mine" else None
    ),
    "GET /api/v1/dossiers/{code}": lambda w, c: Call("GET", f"/api/v1/dossiers/{w.code(c)}"),
    "GET /api/v1/dossiers/{code}/events": lambda w, c: Call(
        "GET", f"/api/v1/dossiers/{w.code(c)}/events"
    ),
    "POST /api/v1/dossiers/{code}/actions/{action}": _act,
    "GET /api/v1/dossiers/{code}/request": lambda w, c: Call(
        "GET", f"/api/v1/dossiers/{w.code(c)}/request"
    ),
    "POST /api/v1/files": _upload,
    "GET /api/v1/delivery/dossiers/{code}": lambda w, c: Call(
        "GET", f"/api/v1/delivery/dossiers/{w.code(c)}"
    ),
    "PUT /api/v1/delivery/dossiers/{code}/request": _postal_request,
    "POST /api/v1/delivery/dossiers/{code}/orders": lambda w, c: _post_json(
        f"/api/v1/delivery/dossiers/{w.code(c)}/orders", {}
    ),
    "POST /api/v1/feedback/ratings/{code}": _rating("POST"),
    "PUT /api/v1/feedback/ratings/{code}": _rating("PUT"),
    "POST /api/v1/feedback/items": lambda w, c: _post_json(
        "/api/v1/feedback/items",
        {
            "kind": "proposal",
            "subject": "agency",
            "agency": w.personas.place.agency_a.public_id,
            "title": "Kiến nghị",
            "content": "Nội dung",
        },
    ),
    "GET /api/v1/feedback/public": _get("/api/v1/feedback/public"),
    "GET /api/v1/open-data/scorecards": lambda w, c: Call(
        "GET", "/api/v1/open-data/scorecards", query={"period": "2026-03"}
    ),
    "POST /api/v1/feedback/items/{item_id}/answer": _feedback_answer,
    "GET /api/v1/files/{file_id}/thumbnail": lambda w, c: Call(
        "GET", f"/api/v1/files/{_MISSING_UUID if c == 'missing' else w.image.public_id}/thumbnail"
    ),
    "GET /api/v1/payments/dossiers/{code}/obligations": lambda w, c: Call(
        "GET", f"/api/v1/payments/dossiers/{w.code(c)}/obligations"
    ),
    "POST /api/v1/payments/obligations/{obligation}/payments": _start_payment,
    "GET /api/v1/payments/{reference}": lambda w, c: Call(
        "GET", f"/api/v1/payments/{_reference(c)}"
    ),
    # ------------------------------------------------------------ pages
    "GET admin:index": _get("/admin/"),
    "GET delivery:postal_request": lambda w, c: Call(
        "GET", f"/ho-so-cua-toi/{w.code(c)}/buu-chinh/"
    ),
    "POST delivery:carrier_webhook": lambda w, c: _post_json(
        "/buu-chinh/thong-bao/", {"order_code": "EV000000001VN", "status": "delivered"}
    ),
    "POST delivery:order_create": lambda w, c: Call(
        "POST", f"/can-bo/ho-so/{w.code(c)}/van-don/", form={"weight_grams": "500"}
    ),
    "GET feedback:rate": lambda w, c: Call("GET", f"/ho-so-cua-toi/{w.code(c)}/danh-gia/"),
    "GET feedback:public_list": _get("/phan-anh-kien-nghi/"),
    "GET scorecards:scorecard": _get("/can-bo/chi-so/"),
    "GET scorecards:ranking": _get("/can-bo/chi-so/xep-hang/"),
    "GET scorecards:drill": lambda w, c: Call(
        "GET",
        "/can-bo/chi-so/ho-so/",
        query={
            "don_vi": "khong-co" if c == "missing" else w.personas.place.agency_a.public_id,
            "chi_tieu": "received",
            "ky": "2026-03",
        },
    ),
    "GET scorecards:public": _get("/chi-so-phuc-vu/"),
    "GET scorecards:open_data_csv": _get("/chi-so-phuc-vu/du-lieu-mo.csv"),
    "GET scorecards:open_data_json": _get("/chi-so-phuc-vu/du-lieu-mo.json"),
    "GET feedback:submit": _get("/phan-anh-kien-nghi/gui/"),
    "GET feedback:queue": _get("/can-bo/phan-anh-kien-nghi/"),
    "GET feedback:answer": _feedback_page,
    "GET backoffice:api_tokens": _get("/can-bo/tai-khoan/ma-truy-cap/"),
    "POST backoffice:api_token_revoke": _revoke_token,
    "GET login": _get("/dang-nhap/"),
    "POST logout": lambda w, c: Call("POST", "/dang-xuat/", form={}),
    # No provider listens in the matrix (conftest): the start says "unreachable"
    # kindly; a callback without a started login is refused before any network.
    "GET signon:start": _get("/dang-nhap/vneid/"),
    "GET signon:callback": lambda w, c: Call(
        "GET", "/dang-nhap/vneid/ve/", query={"code": "x", "state": "y"}
    ),
    "GET backoffice:home": _get("/can-bo/"),
    "GET backoffice:agency": lambda w, c: Call(
        "GET", f"/can-bo/don-vi/{w.personas.place.agency_a.public_id}/"
    ),
    "GET backoffice:unit_dossiers": lambda w, c: Call(
        "GET", f"/can-bo/don-vi/{w.personas.place.agency_a.public_id}/ho-so/"
    ),
    "GET backoffice:queue": _get("/can-bo/ho-so/"),
    "GET accountability:index": _get("/can-bo/trach-nhiem/"),
    "GET accountability:report": _get("/can-bo/trach-nhiem/dang-giu/"),
    "GET backoffice:intake": _get("/can-bo/tiep-nhan/"),
    "GET backoffice:intake_identifier_check": lambda w, c: Call(
        "GET", "/can-bo/tiep-nhan/kiem-tra/", query={"identifier": "086190000123"}
    ),
    "POST backoffice:role_revoke": lambda w, c: Call(
        "POST",
        f"/can-bo/don-vi/{w.personas.place.agency_a.public_id}/vai-tro/"
        f"{RoleAssignment.objects.get(user=w.personas.specialist).pk}/thu-hoi/",
        form={},
    ),
    "GET backoffice:dossier": lambda w, c: Call("GET", f"/can-bo/ho-so/{w.code(c)}/"),
    "POST backoffice:dossier_action": _bo_act,
    "GET backoffice:dossier_document": lambda w, c: Call(
        "GET", f"/can-bo/ho-so/{w.code(c)}/tai-lieu/{w.document.public_id}/"
    ),
    "GET backoffice:dossier_thumbnail": lambda w, c: Call(
        "GET", f"/can-bo/ho-so/{w.code(c)}/tai-lieu/{w.photo.public_id}/anh-nho/"
    ),
    "GET backoffice:dossier_print": lambda w, c: Call(
        "GET", f"/can-bo/ho-so/{w.code(c)}/in/kiem-soat/"
    ),
    "GET catalog:list": _get("/thu-tuc/"),
    "GET catalog:detail": lambda w, c: Call("GET", f"/thu-tuc/{w.procedure.procedure.code}/"),
    "GET catalog:form": lambda w, c: Call(
        "GET", f"/thu-tuc/{w.procedure.procedure.code}/bieu-mau/"
    ),
    "GET portal:home": _get("/"),
    "GET portal:register": _get("/dang-ky/"),
    "GET portal:communes": lambda w, c: Call("GET", "/xa-phuong/", query={"q": "dong hoa"}),
    "GET password_reset": _get("/quen-mat-khau/"),
    "GET password_reset_done": _get("/quen-mat-khau/da-gui/"),
    "GET password_reset_confirm": _get("/quen-mat-khau/dat-lai/MQ/khong-hop-le/"),
    "GET password_reset_complete": _get("/quen-mat-khau/xong/"),
    "GET portal:account": _get("/tai-khoan/"),
    "GET notifications:preferences": _get("/tai-khoan/thong-bao/"),
    "GET portal:after_login": _get("/sau-dang-nhap/"),
    "GET portal:pick": _get("/nop-ho-so/"),
    "GET portal:submitted": lambda w, c: Call("GET", f"/nop-ho-so/da-nop/{w.code(c)}/"),
    "GET portal:draft": lambda w, c: Call("GET", f"/nop-ho-so/{_procedure_uuid(w, c)}/"),
    "POST portal:autosave": lambda w, c: Call(
        "POST", f"/nop-ho-so/{_procedure_uuid(w, c)}/tu-dong-luu/", form={}
    ),
    "POST portal:attach": lambda w, c: Call(
        "POST",
        f"/nop-ho-so/{_procedure_uuid(w, c)}/giay-to/{w.components[0].pk}/",
        form={"__file__": "tep.pdf"},
    ),
    "POST portal:submit": lambda w, c: Call(
        "POST", f"/nop-ho-so/{_procedure_uuid(w, c)}/nop/", form={}
    ),
    "GET portal:thumbnail": lambda w, c: Call("GET", f"/tep/{w.image.public_id}/anh-nho/"),
    "GET portal:my_dossiers": _get("/ho-so-cua-toi/"),
    "GET portal:my_dossier": lambda w, c: Call("GET", f"/ho-so-cua-toi/{w.code(c)}/"),
    "GET portal:my_receipt": lambda w, c: Call(
        "GET", f"/ho-so-cua-toi/{w.code(c)}/giay-tiep-nhan/"
    ),
    "GET portal:supplement": lambda w, c: Call("GET", f"/ho-so-cua-toi/{w.code(c)}/bo-sung/"),
    "POST portal:withdraw": lambda w, c: Call(
        "POST", f"/ho-so-cua-toi/{w.code(c)}/rut/", form={"reason": "Không cần nữa"}
    ),
    "GET portal:result_file": lambda w, c: Call(
        "GET",
        f"/ho-so-cua-toi/{w.code(c)}/ket-qua/"
        f"{w.result.public_id if c == 'result_ready' else _MISSING_UUID}/",
    ),
    "GET portal:track": lambda w, c: Call(
        "GET",
        "/tra-cuu/",
        query={
            "ma": w.code(c.split(":")[0]),
            "so": "0123" if c.endswith(":right_factor") else "9999",
        },
    ),
    "GET payments:pay": lambda w, c: Call("GET", f"/thanh-toan/ho-so/{w.code(c)}/"),
    "GET payments:receipt": lambda w, c: Call(
        "GET",
        f"/thanh-toan/ho-so/{w.code('result_ready')}/bien-lai/{_obligation(w, c)}/",
    ),
    "GET payments:returned": lambda w, c: Call("GET", f"/thanh-toan/ket-qua/{_reference(c)}/"),
    "GET payments:notify": lambda w, c: Call(
        "GET", "/thanh-toan/thong-bao/vnpay/", query={"vnp_TxnRef": PAYMENT_REFERENCE}
    ),
    "GET payments:office": _get("/thanh-toan/can-bo/"),
    "GET national:file": _national_file,
    "GET national:report": _get("/can-bo/dong-bo-quoc-gia/"),
    "GET outbox:dead": _get("/can-bo/gui-di/"),
    "GET outbox:dossier": lambda w, c: Call("GET", f"/can-bo/gui-di/ho-so/{w.code(c)}/"),
    "POST outbox:resend": lambda w, c: Call(
        "POST", f"/can-bo/gui-di/thu/{_outbox_row(w, c)}/gui-lai/", form={}
    ),
    "POST outbox:skip": lambda w, c: Call(
        "POST", f"/can-bo/gui-di/thu/{_outbox_row(w, c)}/bo-qua/", form={}
    ),
    "GET webhooks:list": _get("/can-bo/webhook/"),
    "POST webhooks:toggle": lambda w, c: Call(
        "POST", f"/can-bo/webhook/{_webhook(w, c)}/bat-tat/", form={}
    ),
    "POST webhooks:rotate": lambda w, c: Call(
        "POST", f"/can-bo/webhook/{_webhook(w, c)}/khoa-moi/", form={}
    ),
    "GET payments:counter": lambda w, c: Call("GET", f"/thanh-toan/can-bo/ho-so/{w.code(c)}/"),
    "GET payments:counter_receipt": lambda w, c: Call(
        "GET",
        f"/thanh-toan/can-bo/ho-so/{w.code('result_ready')}/bien-lai/{_obligation(w, c)}/",
    ),
}


class _Rollback(Exception):
    """Raised to undo whatever one cell's request wrote."""


def send(world: World, role: str, call: Call) -> tuple[int, bytes]:
    """The status and body ``role`` gets for ``call``; the database and the
    client's cookies (a sign-out) are left as they were."""
    client = world.clients[role]
    cookies = copy.deepcopy(client.cookies)
    headers: dict[str, str] = dict(call.headers or {})
    if call.path.startswith("/api/") and role in world.tokens:
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    status, body = 0, b""
    try:
        with transaction.atomic():
            response = _request(client, call, headers)
            status = response.status_code
            if not getattr(response, "streaming", False):
                body = response.content
            raise _Rollback
    except _Rollback:
        pass
    client.cookies = cookies
    return status, body


def _request(client: Client, call: Call, headers: dict[str, str]) -> HttpResponse:
    from django.core.files.uploadedfile import SimpleUploadedFile

    if call.method == "GET":
        return client.get(call.path, data=call.query, headers=headers)  # type: ignore[return-value]
    if call.json is not None:
        send_json = client.put if call.method == "PUT" else client.post
        return send_json(  # type: ignore[return-value]
            call.path,
            data=json.dumps(call.json),
            content_type="application/json",
            headers=headers,
        )
    form = dict(call.form or {})
    name = form.pop("__file__", None)
    if name is not None:
        form["file"] = SimpleUploadedFile(name, handmade_pdf(), content_type="application/pdf")
    return client.post(call.path, data=form, headers=headers)  # type: ignore[return-value]


# ------------------------------------------------------------ enumeration


def api_operations() -> set[str]:
    """``"METHOD /api/v1/…"`` for every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _patterns(pattern, inner)
        else:
            yield namespace, pattern


def page_names() -> set[str]:
    """``namespace:name`` of every page the URL resolver knows, except the
    excluded namespaces."""
    names = set()
    for namespace, pattern in _patterns(get_resolver()):
        if namespace.rstrip(":") in EXCLUDED_NAMESPACES:
            continue
        assert pattern.name, f"every page needs a URL name: {pattern.pattern}"
        names.add(f"{namespace}{pattern.name}")
    return names


# ----------------------------------------------------------------- table


@dataclass(frozen=True)
class Row:
    key: str
    case: str
    expected: dict[str, int]  # 0: not yet known (fails unless printing)


def parse(table: str) -> list[Row]:
    """Rows of ``METHOD target  case  status × len(ROLES)``; ``#`` starts a
    comment, the header line starts with ``endpoint``."""
    rows = []
    for raw in table.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("endpoint"):
            continue
        parts = line.split()
        method, target, case, *statuses = parts
        assert len(statuses) == len(ROLES), f"{len(statuses)} statuses, not {len(ROLES)}: {raw}"
        expected = {r: (0 if s == "?" else int(s)) for r, s in zip(ROLES, statuses, strict=True)}
        rows.append(Row(f"{method} {target}", case, expected))
    return rows


def render(observed: list[tuple[str, str, dict[str, int]]]) -> str:
    head = f"{'endpoint':<58} {'case':<24} " + " ".join(f"{r:>4}" for r in ROLES)
    lines = [head]
    for key, case, statuses in observed:
        cells = " ".join(f"{statuses[r]:>4}" for r in ROLES)
        lines.append(f"{key:<58} {case:<24} {cells}")
    return "\n".join(lines)
