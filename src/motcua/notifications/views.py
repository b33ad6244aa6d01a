"""The applicant's notification settings page (portal): the channels to be
told in and the verified contacts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.core.throttling import throttle_request
from motcua.notifications import contacts
from motcua.notifications.forms import ContactForm, PreferenceForm, VerifyForm
from motcua.notifications.models import ContactPoint, Preference


def _page(
    request: HttpRequest,
    user: User,
    *,
    preference: PreferenceForm | None = None,
    contact: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = Preference.objects.filter(user=user).first()
    initial = {"email": True} if current is None else dict.fromkeys(current.channels(), True)
    return render(
        request,
        "notifications/preferences.html",
        {
            "preference_form": preference or PreferenceForm(initial=initial),
            "contact_form": contact or ContactForm(),
            "contacts": list(ContactPoint.objects.filter(user=user).order_by("kind", "value")),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return _page(request, user)
    action = request.POST.get("action", "")
    if action == "channels":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            contacts.preference_set(user=user, **form.cleaned_data)
            messages.success(request, "Đã lưu kênh nhận thông báo.")
            return redirect("notifications:preferences")
        return _page(request, user, preference=form, status=400)
    if action == "add":
        contact_form = ContactForm(request.POST)
        if contact_form.is_valid():
            throttle_request(
                request=request, scope="contact-code", setting="MOTCUA_THROTTLE_CONTACT_CODE"
            )
            try:
                contacts.contact_add(user=user, **contact_form.cleaned_data)
            except DomainError as exc:
                contact_form.add_error("value", exc.message)
            else:
                messages.success(request, "Đã gửi mã xác nhận. Vui lòng nhập mã bên dưới.")
                return redirect("notifications:preferences")
        return _page(request, user, contact=contact_form, status=400)
    if action in ("verify", "remove"):
        verify = VerifyForm(request.POST) if action == "verify" else None
        contact_id = request.POST.get("contact", "")
        if not contact_id.isdigit():
            messages.error(request, "Không tìm thấy địa chỉ liên lạc.")
            return redirect("notifications:preferences")
        if action == "remove":
            contacts.contact_remove(user=user, contact_id=int(contact_id))
            messages.success(request, "Đã xóa địa chỉ liên lạc.")
            return redirect("notifications:preferences")
        assert verify is not None
        if not verify.is_valid():
            messages.error(request, "Mã xác nhận gồm 6 chữ số.")
            return redirect("notifications:preferences")
        try:
            contacts.contact_verify(
                user=user, contact_id=int(contact_id), code=verify.cleaned_data["code"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã xác nhận địa chỉ liên lạc.")
        return redirect("notifications:preferences")
    messages.error(request, "Yêu cầu không hợp lệ.")
    return redirect("notifications:preferences")
