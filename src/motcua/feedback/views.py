"""Pages of ratings and feedback: the applicant rates a dossier and sends
feedback (portal), everyone reads the public answers, officers answer
(back office). Thin: they call the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.accounts.models import User
from motcua.accounts.selectors import agencies_for_user
from motcua.core.errors import DomainError, NotFound
from motcua.core.throttling import throttle_request
from motcua.dossiers.models import AccessChannel, Dossier
from motcua.dossiers.selectors import dossier_get_for_user, dossiers_of_applicant
from motcua.feedback import selectors, services
from motcua.feedback.models import CRITERIA, Kind, Level, Rating
from motcua.units.models import Agency


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _own(request: HttpRequest, code: str) -> Dossier:
    user = _user(request)
    try:
        dossier = dossier_get_for_user(user=user, code=code, channel=AccessChannel.WEB)
    except NotFound:
        raise Http404 from None
    if dossier.applicant.user_id != user.pk and dossier.submitted_by_id != user.pk:
        raise Http404
    return dossier


@login_required
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """Rate a dossier with its result (or change the rating while allowed)."""
    dossier = _own(request, code)
    current = Rating.objects.filter(dossier=dossier).first()
    error, status = "", 200
    if request.method == "POST":
        throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
        criteria: dict[str, int] = {}
        if request.POST.get("detailed") == "1":
            for key, _label in CRITERIA:
                value = request.POST.get(f"c_{key}", "")
                criteria[key] = int(value) if value in ("0", "1", "2") else -1
        kwargs = {
            "dossier": dossier,
            "actor": _user(request),
            "level": request.POST.get("level", ""),
            "comment": request.POST.get("comment", "")[:2000],
            "criteria": criteria,
        }
        try:
            if current is None:
                services.rating_submit(**kwargs)  # type: ignore[arg-type]
            else:
                services.rating_change(**kwargs)  # type: ignore[arg-type]
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, "Cảm ơn bạn đã đánh giá.")
            return redirect("portal:my_dossier", code=dossier.code)
    return render(
        request,
        "feedback/rate.html",
        {
            "d": dossier,
            "current": current,
            "until": services.rating_change_until(rating=current) if current else None,
            "levels": Level.choices,
            "criteria": CRITERIA,
            "error": error,
            "open": dossier.state in services.RATEABLE,
        },
        status=status,
    )


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    """Send feedback or a complaint about a unit or one of one's dossiers."""
    user = _user(request)
    error, status = "", 200
    values = {k: request.POST.get(k, "") for k in ("kind", "target", "title", "content")}
    if request.method == "POST":
        throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
        target = values["target"]
        about_dossier = target.startswith("hs:")
        try:
            item = services.feedback_submit(
                actor=user,
                kind=values["kind"],
                subject="dossier" if about_dossier else "agency",
                dossier_code=target[3:] if about_dossier else "",
                agency_id=target[3:] if target.startswith("dv:") else "",
                title=values["title"][:200],
                content=values["content"][:5000],
                public=request.POST.get("public") == "1",
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(
                request,
                f"Đã gửi. {item.agency.name} sẽ trả lời trước {item.due_at:%d/%m/%Y}.",
            )
            return redirect("feedback:submit")
    return render(
        request,
        "feedback/submit.html",
        {
            "values": values,
            "error": error,
            "kinds": Kind.choices,
            "dossiers": list(dossiers_of_applicant(user=user)[:50]),
            "agencies": list(Agency.objects.order_by("name").only("public_id", "name")[:300]),
            "mine": list(selectors.feedback_of_author(user=user)[:20]),
        },
        status=status,
    )


def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/public.html", {"items": selectors.feedback_public_list()})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not agencies_for_user(user=user).exists():
        raise Http404
    return render(
        request,
        "feedback/queue.html",
        {"items": list(selectors.feedback_queue_for_user(user=user)[:200])},
    )


@login_required
def answer(request: HttpRequest, item_id: str) -> HttpResponse:
    user = _user(request)
    try:
        item = selectors.feedback_get_for_officer(user=user, public_id=item_id)
    except NotFound:
        raise Http404 from None
    error, status = "", 200
    if request.method == "POST":
        try:
            services.feedback_answer(
                feedback=item, actor=user, answer=request.POST.get("answer", "")[:5000]
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, "Đã trả lời phản ánh, kiến nghị.")
            return redirect("feedback:queue")
    return render(request, "feedback/answer.html", {"item": item, "error": error}, status=status)
