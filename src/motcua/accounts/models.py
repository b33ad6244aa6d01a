"""People: staff with roles in agencies, and applicants (citizens or
organisations) who file dossiers."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.validators import validate_personal_id, validate_tax_code


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    INSPECTOR = "inspector", _("Thanh tra, giám sát")
    PROVINCE_ADMIN = "province_admin", _("Quản trị tỉnh")


#: Roles whose scope is every agency of the province, not only their own:
#: the province's administrators, and its inspectors, who must see who holds
#: what in every unit (they read; acting on a dossier needs a working role).
PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.INSPECTOR})


class RoleAssignment(models.Model):
    """A staff member holds ``role`` in ``agency``. A person may hold several
    roles, in several agencies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Applicant(models.Model):
    """Who a dossier is filed for. A citizen is identified by the 12-digit
    personal identification number, an organisation by its tax code. An
    applicant may have no account (a counter dossier)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=ApplicantKind.choices)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="applicant"
    )
    name = models.CharField(_("họ tên hoặc tên tổ chức"), max_length=200)
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_personal_id],
    )
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_tax_code],
    )
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    address_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã, phường"),
    )

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="citizen", personal_id__isnull=False, tax_code__isnull=True)
                    | models.Q(kind="organisation", tax_code__isnull=False)
                ),
                name="applicant_identity_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApiScope(models.TextChoices):
    """What an API token may do. ``read``: every GET; ``submit``: file
    dossiers and upload files; ``act``: run actions on dossiers (and any
    other write)."""

    READ = "read", _("Đọc dữ liệu")
    ACT = "act", _("Thực hiện thao tác trên hồ sơ")
    SUBMIT = "submit", _("Nộp hồ sơ và tải tệp lên")


class ApiToken(models.Model):
    """A bearer token for integrators and officers using the API. Only the
    SHA-256 of the token is stored. ``scopes`` lists :class:`ApiScope`
    values; a token past ``expires_at`` or revoked authenticates nobody."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("phạm vi"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def scope_labels(self) -> list[str]:
        return [str(ApiScope(s).label) for s in self.scopes if s in ApiScope.values]
