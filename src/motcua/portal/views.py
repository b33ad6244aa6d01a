from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from motcua.accounts.models import Applicant, ApplicantKind, User
from motcua.accounts.services import (
    applicant_register_citizen,
    applicant_register_organisation,
    applicant_update_contact,
)
from motcua.core.errors import DomainError
from motcua.portal.common import safe_next
from motcua.portal.forms import ContactForm, RegistrationForm
from motcua.units.selectors import CommuneChoice


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def register(request: HttpRequest) -> HttpResponse:
    """Create a citizen's or organisation's account and sign in; then go back
    to where the person was (``next``: the draft they were filing)."""
    next_url = safe_next(request)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=data["identifier"],
                    password=data["password"],
                    full_name=data["name"].strip(),
                    email=data["email"],
                    phone=data["phone"],
                )
                register_applicant = (
                    applicant_register_organisation
                    if data["kind"] == ApplicantKind.ORGANISATION
                    else applicant_register_citizen
                )
                identity = (
                    {"tax_code": data["identifier"]}
                    if data["kind"] == ApplicantKind.ORGANISATION
                    else {"personal_id": data["identifier"]}
                )
                register_applicant(
                    user=user,
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    **identity,
                )
        except DomainError as exc:
            form.add_error("identifier", exc.message)
        else:
            login(request, user, backend="motcua.accounts.backends.UsernameOrIdentifierBackend")
            return redirect(next_url or "portal:account")
    return render(request, "portal/register.html", {"form": form, "next": next_url})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The account, and the contact details the e-forms are prefilled with."""
    user = request.user
    assert isinstance(user, User)
    applicant = Applicant.objects.select_related("address_unit").filter(user=user).first()
    if applicant is None:
        return render(request, "portal/account.html", {"form": None})
    initial = {
        "phone": applicant.phone,
        "email": applicant.email or user.email,
        "address": applicant.address,
        "commune": applicant.address_unit.code if applicant.address_unit else "",
    }
    form = ContactForm(request.POST or None, initial=initial, picker_url=reverse("portal:communes"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant_update_contact(
            actor=user,
            applicant=applicant,
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            address_unit=data["commune"],
        )
        messages.success(request, "Đã lưu thông tin liên hệ.")
        return redirect("portal:account")
    chosen = applicant.address_unit
    return render(
        request,
        "portal/account.html",
        {
            "form": form,
            "chosen": CommuneChoice(unit=chosen).label if chosen else "",
        },
    )


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Staff go to the back office, applicants to their account page."""
    user = request.user
    assert isinstance(user, User)
    if user.role_assignments.exists():
        return redirect("backoffice:home")
    return redirect("portal:account")
