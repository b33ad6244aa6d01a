"""Administrative units (territory, versioned by validity dates) and the
agencies (organisations) that offer services in them."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold

#: The day the two-tier local government (34 provinces, 3,321 communes) began.
REFORM_2025 = datetime.date(2025, 7, 1)
#: The last day the pre-2025 units (63 provinces, 696 districts) were in force.
LEGACY_LAST_DAY = datetime.date(2025, 6, 30)


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class Generation(models.TextChoices):
    """Which official list a code belongs to. A post-2025 province code can
    equal a pre-2025 one while meaning a larger area, so every code is
    qualified by its generation."""

    LEGACY = "legacy", _("Trước 01/7/2025")
    CURRENT = "2025", _("Từ 01/7/2025")


class AdministrativeUnit(models.Model):
    """A province, district (legacy only) or commune, as one official list
    defines it. Rows are never deleted: a reorganisation closes ``valid_to``
    and records the mapping in :class:`UnitSuccession`."""

    generation = models.CharField(_("thế hệ danh mục"), max_length=8, choices=Generation.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(
        _("mã"), max_length=5, help_text=_("Mã GSO: 2 chữ số (tỉnh), 3 (huyện), 5 (xã)")
    )
    name = models.CharField(_("tên"), max_length=120)
    division_type = models.CharField(_("loại đơn vị"), max_length=40)
    codename = models.CharField(_("tên mã"), max_length=120)
    name_folded = models.CharField(
        _("tên không dấu"), max_length=120, db_index=True, editable=False
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    province = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh, thành phố"),
        help_text=_("Tỉnh chứa đơn vị này (chính nó nếu là tỉnh)"),
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "level", "code"], name="unit_code_unique_per_generation"
            ),
            # Code widths differ per level (2/3/5 digits), so a code alone
            # names one unit within a generation.
            models.UniqueConstraint(fields=["generation", "code"], name="unit_code_unique"),
        ]
        indexes = [models.Index(fields=["generation", "level", "province"])]
        ordering = ["generation", "level", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitSuccession(models.Model):
    """One row of the official old → new conversion table (many-to-many).
    ``partial`` marks an old unit that was split: it appears once for each new
    unit that received part of it."""

    old = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="successions_out",
        verbose_name=_("đơn vị cũ"),
    )
    new = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="successions_in",
        verbose_name=_("đơn vị mới"),
    )
    partial = models.BooleanField(
        _("nhập một phần"),
        default=False,
        help_text=_("Đơn vị cũ bị chia: chỉ một phần địa bàn chuyển sang đơn vị mới này"),
    )
    effective = models.DateField(_("ngày hiệu lực"), default=REFORM_2025)

    class Meta:
        verbose_name = _("chuyển đổi đơn vị hành chính")
        verbose_name_plural = _("chuyển đổi đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="succession_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class AgencyKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("UBND tỉnh")
    PUBLIC_SERVICE_CENTRE = "public_service_centre", _("Trung tâm Phục vụ hành chính công")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường, đặc khu")
    ONE_STOP = "one_stop", _("Bộ phận Một cửa")
    OTHER = "other", _("Cơ quan khác")


class Agency(models.Model):
    """An organisation that offers services or processes dossiers (đơn vị):
    the province's people's committee, a department, the public
    administration service centre, a commune's people's committee or its
    one-stop unit. Staff hold roles in agencies."""

    public_id = models.SlugField(_("mã công khai"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    name_folded = models.CharField(
        _("tên không dấu"), max_length=200, db_index=True, editable=False
    )
    kind = models.CharField(_("loại cơ quan"), max_length=30, choices=AgencyKind.choices)
    e_identifier = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Mã định danh điện tử cơ quan (QCVN 102:2016), ví dụ 000.00.01.H22"),
    )
    area = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("địa bàn"),
        help_text=_("Địa bàn: tỉnh hoặc xã"),
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("tỉnh, thành phố"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["province_id", "kind", "name"]
        indexes = [models.Index(fields=["province", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        self.province_id = (
            self.area.province_id if self.area.province_id is not None else self.area_id
        )
        super().save(*args, **kwargs)  # type: ignore[arg-type]
