"""Django admin for the catalogue (configuration only). Every write goes
through :mod:`motcua.catalog.services`; published versions are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from motcua.accounts.models import User
from motcua.catalog import selectors, services
from motcua.catalog.models import (
    CatalogAuditEvent,
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    DocumentComponent,
    EForm,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessingTime,
    StandardSet,
    StandardSetItem,
    VersionStatus,
    WorkflowTemplate,
    WorkflowTemplateVersion,
)
from motcua.core.errors import DomainError


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def _published(obj: Any) -> bool:
    return obj is not None and getattr(obj, "status", None) == VersionStatus.PUBLISHED


class _ReadOnlyWhenPublishedInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj)


class ProcessingTimeInline(_ReadOnlyWhenPublishedInline):
    model = ProcessingTime


class FeeInline(_ReadOnlyWhenPublishedInline):
    model = Fee


class DocumentInline(_ReadOnlyWhenPublishedInline):
    model = DocumentComponent
    fields = ["position", "name", "copies", "original_required", "required", "mode", "reusable"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "current_version", "postal_eligible"]
    list_filter = ["postal_eligible"]
    search_fields = ["code", "versions__search_text"]
    readonly_fields = ["code", "current_version", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    list_display = ["procedure", "number", "short_name", "field", "level", "online_level", "status"]
    list_filter = ["status", "level", "online_level", "field"]
    search_fields = ["procedure__code", "search_text"]
    inlines = [ProcessingTimeInline, FeeInline, DocumentInline]
    actions = ["publish"]
    exclude = ["search_text", "content_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from the import (or a copy of a draft)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if _published(obj):
            return [f.name for f in ProcedureVersion._meta.fields if f.editable]
        return ["procedure", "number", "status", "level", "levels", "sources"]

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool
    ) -> None:
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EDITABLE_VERSION_FIELDS
        }
        if changes:
            original = ProcedureVersion.objects.get(pk=obj.pk)
            services.procedure_version_update(
                actor=_actor(request), version=original, changes=changes
            )

    @admin.action(description=_l("Công bố các phiên bản đã chọn"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.filter(status=VersionStatus.DRAFT):
            services.procedure_version_publish(actor=_actor(request), version=version)
        self.message_user(request, _("Đã công bố."), messages.SUCCESS)


class WorkflowVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WorkflowTemplateVersion
    extra = 0
    fields = ("number", "status", "max_processing_days", "published_at")
    readonly_fields = ("number", "status", "max_processing_days", "published_at")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(admin.ModelAdmin[WorkflowTemplate]):
    list_display = ["name", "key"]
    inlines = [WorkflowVersionInline]


@admin.register(WorkflowTemplateVersion)
class WorkflowTemplateVersionAdmin(admin.ModelAdmin[WorkflowTemplateVersion]):
    list_display = ["template", "number", "status", "budget"]
    list_filter = ["status", "template"]
    actions = ["publish"]

    @admin.display(description=_l("Tổng thời gian (giờ)"))
    def budget(self, obj: WorkflowTemplateVersion) -> str:
        return f"{obj.budget_hours.normalize():f}"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if _published(obj):
            return ["template", "number", "status", "definition", "max_processing_days"]
        return ["number", "status"] if obj else ["status"]

    def save_model(
        self, request: HttpRequest, obj: WorkflowTemplateVersion, form: Any, change: bool
    ) -> None:
        if change:
            services.workflow_template_version_update(
                actor=_actor(request), version=obj, definition=obj.definition
            )
        else:
            created = services.workflow_template_version_create(
                actor=_actor(request),
                template=obj.template,
                definition=obj.definition,
                max_processing_days=obj.max_processing_days,
            )
            obj.pk = created.pk

    @admin.action(description=_l("Kiểm tra và công bố"))
    def publish(self, request: HttpRequest, queryset: QuerySet[WorkflowTemplateVersion]) -> None:
        for version in queryset.filter(status=VersionStatus.DRAFT):
            try:
                services.workflow_template_version_publish(actor=_actor(request), version=version)
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Đã công bố %(v)s.") % {"v": version}, messages.SUCCESS
                )


@admin.register(EForm)
class EFormAdmin(admin.ModelAdmin[EForm]):
    list_display = ["procedure", "number", "status"]
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return (
            ["procedure", "number", "status", "schema"] if _published(obj) else ["number", "status"]
        )

    def save_model(self, request: HttpRequest, obj: EForm, form: Any, change: bool) -> None:
        if change:
            raise DomainError(_("Hãy tạo phiên bản biểu mẫu mới."))
        created = services.eform_create(
            actor=_actor(request), procedure=obj.procedure, schema=obj.schema
        )
        obj.pk = created.pk

    @admin.action(description=_l("Công bố"))
    def publish(self, request: HttpRequest, queryset: QuerySet[EForm]) -> None:
        for eform in queryset.filter(status=VersionStatus.DRAFT):
            services.eform_publish(actor=_actor(request), eform=eform)


class StandardSetItemForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StandardSetItem
        fields = ["procedure_version", "channels", "processing_days", "fees", "workflow"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        version = data.get("procedure_version")
        if version is not None:
            problems = services.standard_set_item_problems(
                procedure_version=version,
                channels=data.get("channels") or None,
                processing_days=data.get("processing_days"),
                fees=data.get("fees") or {},
                workflow=data.get("workflow"),
            )
            if problems:
                raise forms.ValidationError(problems)
        return data


class StandardSetItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StandardSetItem
    form = StandardSetItemForm
    extra = 0
    autocomplete_fields = ["procedure_version"]


@admin.register(StandardSet)
class StandardSetAdmin(admin.ModelAdmin[StandardSet]):
    list_display = ["name", "level", "province", "published_at", "report_link"]
    list_filter = ["level"]
    inlines = [StandardSetItemInline]
    actions = ["publish"]
    readonly_fields = ["published_at"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        services.standard_set_items_changed(actor=_actor(request), standard_set=form.instance)

    @admin.display(description=_l("Khác biệt"))
    def report_link(self, obj: StandardSet) -> SafeString:
        url = reverse("admin:catalog_standardset_differences", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Báo cáo khác biệt"))

    @admin.action(description=_l("Công bố cho tất cả đơn vị cùng cấp"))
    def publish(self, request: HttpRequest, queryset: QuerySet[StandardSet]) -> None:
        for standard_set in queryset:
            try:
                report = services.standard_set_publish(
                    actor=_actor(request), standard_set=standard_set
                )
            except DomainError as exc:
                self.message_user(request, f"{standard_set}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(s)s: %(a)d đơn vị, %(c)d thủ tục mới cấu hình, %(v)d phiên bản mới, "
                        "%(u)d không đổi, %(d)d tùy chỉnh bị bỏ do trái quy định."
                    )
                    % {
                        "s": standard_set,
                        "a": report.agencies,
                        "c": report.created,
                        "v": report.new_versions,
                        "u": report.unchanged,
                        "d": len(report.overrides_dropped),
                    },
                    messages.SUCCESS,
                )

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:pk>/khac-biet/",
                self.admin_site.admin_view(self.differences_view),
                name="catalog_standardset_differences",
            )
        ]
        return extra + super().get_urls()

    def differences_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        standard_set = get_object_or_404(StandardSet, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Khác biệt so với bộ chuẩn: %(s)s") % {"s": standard_set},
            "standard_set": standard_set,
            "report": selectors.standard_set_differences(standard_set=standard_set),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "catalog/admin/differences.html", context)


_VERSION_FIELDS = (
    "number",
    "procedure_version",
    "processing_days",
    "processing_unit",
    "channels",
    "workflow",
    "created_at",
)


class ConfiguredVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ConfiguredProcedureVersion
    extra = 0
    can_delete = False
    fields = _VERSION_FIELDS
    readonly_fields = _VERSION_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConfiguredProcedure)
class ConfiguredProcedureAdmin(admin.ModelAdmin[ConfiguredProcedure]):
    list_display = [
        "procedure",
        "agency",
        "standard_set",
        "current_version",
        "unsigned_result_policy",
        "is_active",
    ]
    list_filter = ["standard_set", "unsigned_result_policy", "is_active"]
    search_fields = ["procedure__code", "agency__name"]
    list_select_related = ["procedure", "agency", "standard_set", "current_version"]
    inlines = [ConfiguredVersionInline]
    readonly_fields = [
        "agency",
        "procedure",
        "standard_set",
        "current_version",
        "local_processing_days",
        "local_fees",
        "local_channels",
        "local_workflow",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through standard sets or configured_procedure_configure


@admin.register(CatalogAuditEvent)
class CatalogAuditEventAdmin(admin.ModelAdmin[CatalogAuditEvent]):
    list_display = ["moment", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    readonly_fields = ["moment", "actor", "action", "object_type", "object_id", "before", "after"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
