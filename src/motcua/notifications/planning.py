"""Who is told what about a dossier event or a due date: the templates,
the recipients and the fields of the message (no sending here)."""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import RoleAssignment, User
from motcua.delivery.models import DeliveryOrder
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.dossiers.services import pinned_graph
from motcua.dossiers.states import QUEUE_STATES, State
from motcua.feedback.models import Feedback, Kind, Rating
from motcua.notifications.models import Audience, ChannelKind, ContactPoint, Preference

#: Dossier action -> the applicant's template.
APPLICANT_TEMPLATES: Mapping[str, str] = {
    "submit": "received",
    "accept": "accepted",
    "ask_to_supplement": "supplement_requested",
    "ask_to_complete": "supplement_requested",
    "ask_to_pay": "fee_due",
    "apologise": "late",
}
#: Target state -> the applicant's template (whatever the action).
STATE_TEMPLATES: Mapping[str, str] = {
    State.RESULT_READY: "result_ready",
    State.RETURNED: "delivered",
}
#: The note of the hand-over that the carrier's "delivered" records
#: (``delivery.services._hand_over``): told as ``post_delivered``.
POSTAL_HAND_OVER_NOTE = "delivery"


@dataclass(frozen=True)
class Route:
    recipient: str
    user: User | None
    channel: str
    address: str


@dataclass
class Plan:
    occasion: str
    template_key: str
    audience: str
    dossier: Dossier | None
    routes: list[Route]
    data: dict[str, str] = field(default_factory=dict)
    feedback: Feedback | None = None


def render(text: str, data: Mapping[str, str]) -> str:
    """``{name}`` fields replaced by their values (unknown ones: empty); the
    values are never parsed again."""
    return re.sub(r"\{(\w+)\}", lambda m: data.get(m.group(1), ""), text)


def moment(value: datetime.datetime | str | None) -> str:
    if isinstance(value, str):
        parsed = datetime.datetime.fromisoformat(value)
        value = parsed if parsed.tzinfo else timezone.make_aware(parsed)
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y") if value else ""


def _money(amount: Any) -> str:
    try:
        value = int(Decimal(str(amount)))
    except (ArithmeticError, ValueError):
        return "theo thông báo của cơ quan giải quyết"
    return f"{value:,}".replace(",", ".") + " đồng"


def absolute(path: str) -> str:
    return str(settings.MOTCUA_PUBLIC_URL).rstrip("/") + path


def _applicant_link(dossier: Dossier) -> str:
    if dossier.applicant.user_id is not None:
        return absolute(reverse("portal:my_dossier", kwargs={"code": dossier.code}))
    query = urllib.parse.urlencode({"ma": dossier.code, "t": dossier.tracking_token})
    return absolute(reverse("portal:track")) + f"?{query}"


def _pay_link(dossier: Dossier) -> str:
    """The payment page of the dossier (it needs the applicant's account;
    without one, the tracking page, which tells where to pay)."""
    if dossier.applicant.user_id is not None:
        return absolute(reverse("payments:pay", kwargs={"code": dossier.code}))
    return _applicant_link(dossier)


def _officer_link(dossier: Dossier) -> str:
    return absolute(reverse("backoffice:dossier", kwargs={"code": dossier.code}))


def applicant_routes(dossier: Dossier) -> list[Route]:
    """The applicant's chosen channels to verified contacts; with none, the
    e-mail (else the phone, by SMS) given with the dossier, so no applicant
    is left uninformed."""
    applicant = dossier.applicant
    return person_routes(
        key=f"applicant:{applicant.pk}",
        user=applicant.user,
        email=applicant.email,
        phone=applicant.phone,
    )


def person_routes(*, key: str, user: User | None, email: str, phone: str) -> list[Route]:
    """The channels ``user`` chose (``Preference``, default e-mail) to their
    verified contacts; with none, ``email`` (else ``phone``, by SMS)."""
    routes: list[Route] = []
    if user is not None:
        preference = Preference.objects.filter(user=user).first()
        chosen = preference.channels() if preference else [ChannelKind.EMAIL]
        verified = ContactPoint.objects.filter(user=user, verified_at__isnull=False)
        emails = [c.value for c in verified if c.kind == "email"]
        phones = [c.value for c in verified if c.kind == "phone"]
        for channel in chosen:
            addresses = emails if channel == ChannelKind.EMAIL else phones
            if addresses:
                routes.append(Route(key, user, channel, addresses[0]))
    if not routes and email:
        routes.append(Route(key, user, ChannelKind.EMAIL, email))
    elif not routes and phone:
        routes.append(Route(key, user, ChannelKind.SMS, phone))
    return routes


def officer_routes(
    *, agency_id: int | None, role: str, user: User | None, exclude: int | None = None
) -> list[Route]:
    """E-mail to the officer holding the step, or to everyone holding its
    role in its agency."""
    if user is not None:
        users: Iterable[User] = [user]
    elif agency_id is not None and role:
        users = [
            a.user
            for a in RoleAssignment.objects.filter(agency_id=agency_id, role=role)
            .select_related("user")
            .order_by("user_id")
        ]
    else:
        users = []
    return [
        Route(f"user:{u.pk}", u, ChannelKind.EMAIL, u.email)
        for u in users
        if u.email and u.is_active and u.pk != exclude
    ]


def step_name(dossier: Dossier, key: str) -> str:
    """The workflow step's Vietnamese name (its key if the graph lacks it)."""
    graph = pinned_graph(dossier.configured_procedure_version_id)
    steps = {s.key: s.name for s in graph.steps} if graph is not None else {}
    return steps.get(key, key)


def _common(dossier: Dossier) -> dict[str, str]:
    procedure = dossier.configured_procedure_version.procedure_version.name
    return {
        "code": dossier.code,
        "procedure": procedure,
        "applicant": dossier.applicant.name,
        "appointment": moment(dossier.appointment_at),
    }


def plans_for_event(event: DossierEvent) -> list[Plan]:
    dossier = event.dossier
    payload: dict[str, Any] = event.payload or {}
    plans: list[Plan] = []
    key = STATE_TEMPLATES.get(event.to_state) if event.from_state != event.to_state else None
    key = key or APPLICANT_TEMPLATES.get(event.action)
    if key == "delivered" and payload.get("note") == POSTAL_HAND_OVER_NOTE:
        key = "post_delivered"  # one message: the carrier's delivery is the hand-over
    if key is not None:
        data = _common(dossier)
        link = _applicant_link(dossier)
        missing = payload.get("items") or payload.get("missing") or []
        data.update(
            link=link,
            pay_link=_pay_link(dossier) if key == "fee_due" else link,
            at=moment(event.at),
            missing="; ".join(str(m) for m in missing) if isinstance(missing, list) else "",
            reason=str(payload.get("reason") or payload.get("note") or ""),
            amount=_money(payload.get("amount_vnd")),
            received_by=str(payload.get("received_by") or ""),
        )
        if payload.get("appointment_at"):
            data["appointment"] = moment(payload["appointment_at"])
        plans.append(
            Plan(
                f"event:{event.pk}:{key}",
                key,
                Audience.APPLICANT,
                dossier,
                applicant_routes(dossier),
                data,
            )
        )
    if event.action == "submit":
        plans.extend(_fee_due_at_submission(event))
    moved = event.to_step != event.from_step or event.action in ("submit", "reassign")
    if event.to_state in QUEUE_STATES and moved and dossier.version == event.seq:
        data = _common(dossier)
        data.update(
            link=_officer_link(dossier),
            agency=dossier.holder_agency.name if dossier.holder_agency else "",
            step=step_name(dossier, dossier.current_step) or str(State(dossier.state).label),
            due=moment(dossier.due_at),
        )
        routes = officer_routes(
            agency_id=dossier.holder_agency_id,
            role=dossier.holder_role,
            user=dossier.holder_user,
            exclude=event.actor_id,
        )
        plans.append(
            Plan(
                f"event:{event.pk}:queue_new", "queue_new", Audience.OFFICER, dossier, routes, data
            )
        )
    return plans


def _fee_due_at_submission(event: DossierEvent) -> list[Plan]:
    """Fees due at submission (an obligation the payments' hook created in
    the submission's transaction): the applicant is told the amount and the
    pay link as well, in a message of its own."""
    from motcua.payments.selectors import obligation_due

    dossier = event.dossier
    obligation = obligation_due(dossier_id=dossier.pk)
    if obligation is None:
        return []
    data = _common(dossier)
    link = _applicant_link(dossier)
    data.update(
        link=link,
        pay_link=_pay_link(dossier),
        at=moment(event.at),
        amount=_money(obligation.amount_vnd),
        reason="; ".join(str(line.get("name", "")) for line in obligation.lines),
    )
    return [
        Plan(
            f"event:{event.pk}:fee_due",
            "fee_due",
            Audience.APPLICANT,
            dossier,
            applicant_routes(dossier),
            data,
        )
    ]


def plan_for_due(run: StepRun, *, overdue: bool) -> Plan:
    dossier = run.dossier
    key = "step_overdue" if overdue else "step_near_due"
    data = _common(dossier)
    data.update(
        link=_officer_link(dossier),
        agency=run.agency.name,
        step=step_name(dossier, run.step_key),
        due=moment(run.due_at),
    )
    routes = officer_routes(agency_id=run.agency_id, role=run.role, user=run.user)
    threshold = "overdue" if overdue else "near"
    return Plan(f"due:{run.pk}:{threshold}", key, Audience.OFFICER, dossier, routes, data)


def plan_for_delivery_failure(order: DeliveryOrder) -> Plan:
    """The carrier could not deliver the result: it is back at the counter
    (``delivery.events.delivery_failed``). Once per order."""
    dossier = order.dossier
    last = order.events.order_by("-seq").first()
    data = _common(dossier)
    data.update(
        link=_applicant_link(dossier),
        at=moment(last.at if last else order.updated_at),
        waybill=order.order_code or order.reference,
        reason=(last.note if last and last.note else "không gặp người nhận"),
        agency=dossier.receiving_agency.name,
    )
    return Plan(
        f"delivery:{order.pk}:failed",
        "delivery_failed",
        Audience.APPLICANT,
        dossier,
        applicant_routes(dossier),
        data,
    )


def plan_for_rating(rating: Rating) -> Plan:
    """The applicant rated the dossier: thanks, once per rating (a changed
    rating is not told again)."""
    dossier = rating.dossier
    data = _common(dossier)
    data.update(link=_applicant_link(dossier), at=moment(rating.rated_at))
    return Plan(
        f"rating:{rating.pk}:rated",
        "rated",
        Audience.APPLICANT,
        dossier,
        applicant_routes(dossier),
        data,
    )


def feedback_link(feedback: Feedback) -> str:
    """The author's list of their feedback, at this item (with its answer)."""
    return absolute(reverse("feedback:submit")) + f"#pakn-{feedback.public_id}"


def plan_for_feedback_answer(feedback: Feedback) -> Plan:
    """The unit answered the author's feedback or complaint: the answer and a
    link to it, once per feedback. The author is reached like an applicant
    (their channels and verified contacts; else the e-mail or phone of
    their applicant record, else their account's e-mail)."""
    author = feedback.author
    applicant = getattr(author, "applicant", None)
    key = f"applicant:{applicant.pk}" if applicant is not None else f"user:{author.pk}"
    routes = person_routes(
        key=key,
        user=author,
        email=(applicant.email if applicant is not None else "") or author.email,
        phone=applicant.phone if applicant is not None else "",
    )
    data = {
        "applicant": feedback.author_name,
        "agency": feedback.agency.name,
        "kind": str(Kind(feedback.kind).label).lower(),
        "title": feedback.title,
        "answer": feedback.answer,
        "submitted": moment(feedback.submitted_at),
        "at": moment(feedback.answered_at),
        "code": feedback.dossier.code if feedback.dossier is not None else "",
        "link": feedback_link(feedback),
    }
    return Plan(
        f"feedback:{feedback.pk}:answered",
        "feedback_answered",
        Audience.APPLICANT,
        feedback.dossier,
        routes,
        data,
        feedback=feedback,
    )
