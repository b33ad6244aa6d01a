"""Who am I, and who works in an agency (scoped to the caller's roles)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.accounts.models import User
from motcua.accounts.selectors import roles_of_user, staff_of_agency_for_user
from motcua.api.auth import STAFF_AUTH

router = Router(auth=STAFF_AUTH, tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_label: str
    agency: str
    agency_name: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


class StaffOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    return MeOut(
        username=user.username,
        full_name=user.display_name,
        roles=[
            RoleOut(
                role=a.role,
                role_label=a.get_role_display(),
                agency=a.agency.public_id,
                agency_name=a.agency.name,
            )
            for a in roles_of_user(user=user)
        ],
    )


@router.get("/agencies/{public_id}/staff", response=list[StaffOut])
def agency_staff(request: HttpRequest, public_id: str) -> list[StaffOut]:
    _agency, assignments = staff_of_agency_for_user(user=_user(request), public_id=public_id)
    return [
        StaffOut(
            username=a.user.username,
            full_name=a.user.display_name,
            role=a.role,
            role_label=a.get_role_display(),
        )
        for a in assignments
    ]
