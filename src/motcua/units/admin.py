"""Admin for the unit lists (read-only: they come from ``import_units``) and
for agencies (configured by hand)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitSuccession


class FoldedSearchMixin:
    """Search the folded name too, so "vinh long" finds "Vĩnh Long"."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(  # type: ignore[misc, no-any-return]
            request, queryset, fold(search_term)
        )


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh, thành phố")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by(
            "-generation", "code"
        )
        return [(str(p.pk), f"{p.code} {p.name} ({p.get_generation_display()})") for p in provinces]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(province_id=self.value())
        return queryset


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedSearchMixin, admin.ModelAdmin[AdministrativeUnit]):
    list_display = ("code", "name", "level", "generation", "province", "valid_from", "valid_to")
    list_filter = ("generation", "level", ProvinceFilter)
    search_fields = ("code", "name_folded")
    list_select_related = ("province",)
    ordering = ("-generation", "code")
    readonly_fields = (
        "generation",
        "level",
        "code",
        "name",
        "division_type",
        "codename",
        "name_folded",
        "parent",
        "province",
        "valid_from",
        "valid_to",
    )
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # units come from the official lists (import_units)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # never deleted: old dossiers point at them


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin[UnitSuccession]):
    list_display = ("old", "old_code", "new", "new_code", "partial", "effective")
    list_filter = ("partial", "old__level")
    search_fields = ("old__code", "new__code", "old__name_folded", "new__name_folded")
    list_select_related = ("old", "new")
    readonly_fields = ("old", "new", "partial", "effective")

    @admin.display(description=_("mã cũ"), ordering="old__code")
    def old_code(self, obj: UnitSuccession) -> str:
        return obj.old.code

    @admin.display(description=_("mã mới"), ordering="new__code")
    def new_code(self, obj: UnitSuccession) -> str:
        return obj.new.code

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[UnitSuccession], search_term: str
    ) -> tuple[QuerySet[UnitSuccession], bool]:
        return super().get_search_results(request, queryset, fold(search_term))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(FoldedSearchMixin, admin.ModelAdmin[Agency]):
    list_display = ("name", "kind", "e_identifier", "area", "province", "is_active")
    list_filter = ("kind", "is_active", ProvinceFilter)
    search_fields = ("name_folded", "e_identifier", "public_id")
    list_select_related = ("area", "province")
    autocomplete_fields = ("area", "parent")
    readonly_fields = ("province",)
    fields = (
        "public_id",
        "name",
        "short_name",
        "kind",
        "e_identifier",
        "area",
        "province",
        "parent",
        "is_active",
        "valid_from",
        "valid_to",
    )
