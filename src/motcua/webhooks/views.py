"""The back office's webhook page (unit and province administrators): the
subscriptions of their units, a form to add one, switch off and on again,
a new secret."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.backoffice.access import staff_required
from motcua.dossiers.selectors import ACTION_LABELS
from motcua.outbox.selectors import admin_agencies, is_outbox_admin
from motcua.units.models import Agency
from motcua.webhooks import services
from motcua.webhooks.models import WebhookSubscription


class SubscriptionForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Cơ quan, đơn vị")
    name = forms.CharField(max_length=120, label="Tên hệ thống nhận")
    url = forms.URLField(max_length=500, label="Địa chỉ nhận", assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=(),
        required=False,
        label="Loại sự kiện (không chọn: tất cả)",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agency"])  # type: ignore[type-arg]
        field.queryset = agencies
        cast(forms.MultipleChoiceField, self.fields["event_types"]).choices = [
            (k, str(v)) for k, v in ACTION_LABELS.items()
        ]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _subscription(request: HttpRequest, pk: int) -> WebhookSubscription:
    sub = WebhookSubscription.objects.filter(
        pk=pk, agency__in=admin_agencies(user=_user(request))
    ).first()
    if sub is None:
        raise Http404("Không tìm thấy đăng ký.")
    return sub


@staff_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not is_outbox_admin(user=user):
        raise Http404("Không tìm thấy trang.")
    agencies = admin_agencies(user=user).order_by("name")
    form = SubscriptionForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        services.subscription_create(
            agency=form.cleaned_data["agency"],
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            event_types=list(form.cleaned_data["event_types"]),
        )
        flash.success(request, "Đã thêm đăng ký webhook.")
        return redirect("webhooks:list")
    rows = list(
        WebhookSubscription.objects.filter(agency__in=agencies)
        .select_related("agency")
        .order_by("agency__name", "name")
    )
    labels = {k: str(v) for k, v in ACTION_LABELS.items()}
    for row in rows:
        row.event_labels = [labels.get(e, e) for e in row.event_types]  # type: ignore[attr-defined]
    return render(
        request,
        "webhooks/list.html",
        {"rows": rows, "form": form, "limit": settings.MOTCUA_WEBHOOK_DISABLE_AFTER},
    )


@staff_required
@require_POST
def toggle(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _subscription(request, pk)
    if sub.active:
        services.subscription_disable(subscription=sub)
        flash.success(request, f"Đã tắt webhook «{sub.name}».")
    else:
        services.subscription_enable(subscription=sub)
        flash.success(request, f"Đã bật lại webhook «{sub.name}».")
    return redirect("webhooks:list")


@staff_required
@require_POST
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _subscription(request, pk)
    services.subscription_rotate_secret(subscription=sub)
    flash.success(request, f"Đã tạo khóa bí mật mới cho webhook «{sub.name}».")
    return redirect("webhooks:list")
