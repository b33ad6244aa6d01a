"""Counter intake helpers: the identity check as the officer types (an
htmx fragment beside the field), the applicant the lookup found (to fill
the form), and the searchable procedure picker (diacritics-insensitive, no
preselected item)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.models import Applicant, Role, User
from motcua.accounts.selectors import agencies_for_user
from motcua.accounts.validators import validate_personal_id, validate_tax_code
from motcua.backoffice.access import staff_required
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.text import fold, search_terms

PICKER_LIMIT = 30


def identifier_problem(kind: str, identifier: str) -> str:
    """The Vietnamese reason ``identifier`` is not a valid personal ID (or
    tax code for an organisation); "" when it is."""
    text = identifier.strip()
    if not text:
        return ""
    try:
        (validate_tax_code if kind == "organisation" else validate_personal_id)(text)
    except ValidationError as exc:
        return " ".join(str(m) for m in exc.messages)
    return ""


def applicant_lookup(kind: str, identifier: str) -> Applicant | None:
    field = "tax_code" if kind == "organisation" else "personal_id"
    text = identifier.strip()
    return Applicant.objects.filter(**{field: text}).first() if text else None


def applicant_values(found: Applicant) -> dict[str, str]:
    """The form values the lookup fills in from a known applicant."""
    return {
        "name": found.name,
        "phone": found.phone,
        "email": found.email,
        "address": found.address,
    }


#: The receiver fields of the result by post on the intake form.
RECEIVER_FIELDS = ("receiver_name", "receiver_phone", "receiver_address")


def receiver(post: Any, applicant: Applicant) -> dict[str, str]:
    """The receiver of the result by post typed at the counter; a field left
    empty is the applicant's (name, phone, address on file)."""
    own = {
        "receiver_name": applicant.name,
        "receiver_phone": applicant.phone,
        "receiver_address": applicant.address,
    }
    return {f: str(post.get(f, "")).strip()[:500] or own[f] for f in RECEIVER_FIELDS}


def procedures_matching(procedures: list[ConfiguredProcedure], query: str) -> list[Any]:
    """Procedures whose name, code or agency contains every word of
    ``query`` (with or without diacritics), by name."""
    words = search_terms(query)
    out = []
    for p in procedures:
        version = p.current_version
        name = version.procedure_version.name if version is not None else ""
        haystack = fold(f"{name} {p.procedure.code} {p.agency.name}")
        if all(w in haystack for w in words):
            out.append(p)
    return out


@staff_required
def identifier_check(request: HttpRequest) -> HttpResponse:
    """The fragment shown beside the identity field while it is typed."""
    user = request.user
    assert isinstance(user, User)
    if not agencies_for_user(user=user, roles=[Role.ONE_STOP_OFFICER]).exists():
        raise Http404("Bạn không phải cán bộ một cửa.")
    kind = request.GET.get("applicant_kind", "citizen")
    identifier = request.GET.get("identifier", "")[:20]
    problem = identifier_problem(kind, identifier)
    found = applicant_lookup(kind, identifier) if identifier.strip() and not problem else None
    return render(
        request,
        "backoffice/_identifier_check.html",
        {"problem": problem, "found": found, "typed": bool(identifier.strip())},
    )
