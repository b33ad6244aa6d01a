from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.catalog.models import (
    CatalogAuditEvent,
    Channel,
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    Procedure,
    ProcedureVersion,
    StandardSetLevel,
    WorkflowTemplate,
)
from motcua.catalog.selectors import (
    agency_procedures,
    configured_procedure_current,
    standard_set_differences,
)
from motcua.catalog.services import (
    ConfigurationInvalid,
    catalog_import,
    configured_procedure_configure,
    standard_set_create,
    standard_set_item_add,
    standard_set_publish,
    workflow_templates_seed,
)
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Generation, Level

pytestmark = pytest.mark.django_db

COMMUNE_CODES = ["1.001193", "1.000656", "1.004873", "1.001612"]


def current(code: str) -> ProcedureVersion:
    version = Procedure.objects.get(code=code).current_version
    assert version is not None
    return version


def add_communes(place, n: int) -> list[Agency]:
    agencies = []
    for i in range(n):
        unit = AdministrativeUnit.objects.create(
            generation=Generation.CURRENT,
            level=Level.COMMUNE,
            code=f"{place.province.code}{500 + i:03d}",
            name=f"Xã Thêm {i}",
            division_type="xã",
            codename=f"them_{i}",
            parent=place.province,
            province=place.province,
        )
        agency = Agency(
            public_id=f"xa-them-{i}",
            name=f"UBND Xã Thêm {i}",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            area=unit,
        )
        agency.save()
        agencies.append(agency)
    return agencies


@pytest.fixture
def commune_set(catalog, province, personas):
    add_communes(province, 8)
    workflow_templates_seed(actor=None)
    one_step = WorkflowTemplate.objects.get(key="mot-buoc-cap-xa").versions.get()
    standard_set = standard_set_create(
        actor=personas.province_admin,
        name="Bộ thủ tục cấp xã",
        level=StandardSetLevel.COMMUNE,
        province=province.province,
    )
    for code in COMMUNE_CODES:
        standard_set_item_add(
            actor=personas.province_admin,
            standard_set=standard_set,
            procedure_version=current(code),
            workflow=one_step,
        )
    return standard_set


def test_publish_set_to_every_commune_in_one_call(commune_set, province, personas):
    report = standard_set_publish(actor=personas.province_admin, standard_set=commune_set)
    communes = Agency.objects.filter(province=province.province, kind=AgencyKind.COMMUNE_COMMITTEE)
    assert communes.count() == 10
    assert report.agencies == 10
    assert report.created == 40 and report.new_versions == 40
    assert ConfiguredProcedure.objects.count() == 40
    assert not ConfiguredProcedure.objects.filter(agency=province.department).exists()
    for agency in communes:
        offered = agency_procedures(agency=agency)
        assert [c.procedure.code for c in offered] == sorted(COMMUNE_CODES)
        assert all(c.current_version is not None for c in offered)
    pinned = configured_procedure_current(agency=province.agency_a, code="1.004873")
    assert pinned.number == 1
    assert pinned.processing_days == Decimal(3)
    assert pinned.channels == [Channel.IN_PERSON, Channel.ONLINE, Channel.POST]
    assert pinned.workflow is not None and pinned.workflow.template.key == "mot-buoc-cap-xa"
    event = CatalogAuditEvent.objects.get(action="standard_set.publish")
    assert event.actor == personas.province_admin
    assert event.after is not None and event.after["new_versions"] == 40
    # publishing again changes nothing
    again = standard_set_publish(actor=None, standard_set=commune_set)
    assert again.new_versions == 0 and again.unchanged == 40
    assert ConfiguredProcedureVersion.objects.count() == 40


def test_local_override_above_statutory_time_is_rejected(commune_set, province):
    standard_set_publish(actor=None, standard_set=commune_set)
    with pytest.raises(ConfigurationInvalid, match="vượt quá thời hạn luật định"):
        configured_procedure_configure(
            actor=None,
            agency=province.agency_a,
            procedure_version=current("1.004873"),
            processing_days=Decimal(4),
        )
    with pytest.raises(ConfigurationInvalid):
        standard_set_item_add(
            actor=None,
            standard_set=commune_set,
            procedure_version=current("1.004873"),
            processing_days=Decimal(5),
        )


def test_local_fee_only_where_the_province_sets_it(catalog, province):
    with pytest.raises(ConfigurationInvalid, match="trung ương"):
        configured_procedure_configure(
            actor=None,
            agency=province.agency_a,
            procedure_version=current("1.001193"),
            fees={"Phí cấp bản sao Giấy khai sinh (nếu có yêu cầu)": 5000},
        )
    marriage = current("2.000806")
    hdnd_fee = marriage.fees.get(amount_vnd__isnull=True)
    version = configured_procedure_configure(
        actor=None,
        agency=province.agency_a,
        procedure_version=marriage,
        fees={hdnd_fee.name: 1_000_000},
    )
    assert {f["name"]: f["amount_vnd"] for f in version.fees}[hdnd_fee.name] == 1_000_000


def test_new_configuration_leaves_pinned_version_untouched(commune_set, province):
    standard_set_publish(actor=None, standard_set=commune_set)
    pinned = configured_procedure_current(agency=province.agency_a, code="1.004873")
    snapshot = (pinned.pk, pinned.number, pinned.processing_days, pinned.channels, pinned.fees)
    newer = configured_procedure_configure(
        actor=None,
        agency=province.agency_a,
        procedure_version=current("1.004873"),
        processing_days=Decimal(2),
        channels=[Channel.ONLINE],
    )
    assert newer.pk != pinned.pk and newer.number == 2
    pinned.refresh_from_db()
    assert (
        pinned.pk,
        pinned.number,
        pinned.processing_days,
        pinned.channels,
        pinned.fees,
    ) == snapshot
    assert configured_procedure_current(agency=province.agency_a, code="1.004873").pk == newer.pk
    # the same settings again create no version
    same = configured_procedure_configure(
        actor=None,
        agency=province.agency_a,
        procedure_version=current("1.004873"),
        processing_days=Decimal(2),
        channels=[Channel.ONLINE],
    )
    assert same.pk == newer.pk


def test_republish_keeps_lawful_local_overrides_and_reports_differences(
    commune_set, province, sample
):
    standard_set_publish(actor=None, standard_set=commune_set)
    configured_procedure_configure(
        actor=None,
        agency=province.agency_a,
        procedure_version=current("1.004873"),
        processing_days=Decimal(2),
    )
    configured_procedure_configure(
        actor=None,
        agency=province.agency_b,
        procedure_version=current("1.001612"),
        processing_days=Decimal(3),
    )
    report = standard_set_differences(standard_set=commune_set)
    assert {e.agency.pk for e in report} == {province.agency_a.pk}
    (entry,) = report
    assert entry.procedures[0].code == "1.004873"
    assert "thời hạn 2 ngày (chuẩn 3)" in entry.procedures[0].differences

    # The law shortens 1.004873 to 1 day: A's local 2 days is no longer lawful.
    index = next(i for i, p in enumerate(sample["procedures"]) if p["code"] == "1.004873")
    sample["procedures"][index]["processing_days"] = 1
    catalog_import(actor=None, payload=sample)
    standard_set_item_add(
        actor=None,
        standard_set=commune_set,
        procedure_version=current("1.004873"),
        workflow=WorkflowTemplate.objects.get(key="mot-buoc-cap-xa").versions.get(),
    )
    result = standard_set_publish(actor=None, standard_set=commune_set)
    assert result.new_versions == 10  # each commune moves to the new national version
    assert len(result.overrides_dropped) == 1
    a_conf = configured_procedure_current(agency=province.agency_a, code="1.004873")
    assert a_conf.processing_days == Decimal(1) and a_conf.number == 3
    b_conf = configured_procedure_current(agency=province.agency_b, code="1.001612")
    assert b_conf.processing_days == Decimal(3)  # lawful override kept
    assert standard_set_differences(standard_set=commune_set) == []


def test_publish_rejects_workflow_over_budget(catalog, province):
    workflow_templates_seed(actor=None)
    three_steps = WorkflowTemplate.objects.get(key="ba-buoc-cap-so").versions.get()
    standard_set = standard_set_create(
        actor=None, name="Sở", level=StandardSetLevel.DEPARTMENT, province=province.province
    )
    with pytest.raises(ConfigurationInvalid, match="vượt quá thời hạn 1 ngày"):
        standard_set_item_add(
            actor=None,
            standard_set=standard_set,
            procedure_version=current("1.001193"),
            workflow=three_steps,
        )


def test_admin_difference_report_page(commune_set, admin_client):
    standard_set_publish(actor=None, standard_set=commune_set)
    page = admin_client.get(f"/admin/catalog/standardset/{commune_set.pk}/khac-biet/")
    assert page.status_code == 200
    assert "Tất cả đơn vị đều đúng bộ chuẩn" in page.content.decode()


def test_admin_item_form_applies_the_rules(catalog, province):
    from motcua.catalog.admin import StandardSetItemForm

    version = current("1.004873")
    form = StandardSetItemForm(
        data={
            "procedure_version": version.pk,
            "channels": "[]",
            "processing_days": "9",
            "fees": "{}",
        }
    )
    assert not form.is_valid()
    assert "vượt quá thời hạn luật định" in str(form.errors)
    ok = StandardSetItemForm(
        data={
            "procedure_version": version.pk,
            "channels": '["online"]',
            "processing_days": "2",
            "fees": "{}",
        }
    )
    assert ok.is_valid(), ok.errors


def test_admin_publish_action(commune_set, admin_client):
    response = admin_client.post(
        "/admin/catalog/standardset/",
        {"action": "publish", "_selected_action": [commune_set.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "10 đơn vị" in response.content.decode()
    assert ConfiguredProcedure.objects.count() == 40


def test_a_department_set_publishes_to_that_department_only(catalog, province, personas):
    from motcua.core.errors import DomainError

    other = Agency(
        public_id="so-khac",
        name="Sở Xây dựng",
        kind=AgencyKind.DEPARTMENT,
        area=province.province,
    )
    other.save()
    workflow_templates_seed(actor=None)
    three = WorkflowTemplate.objects.get(key="ba-buoc-cap-so").versions.get()
    with pytest.raises(DomainError) as exc:
        standard_set_create(
            actor=None,
            name="Sai cấp",
            level=StandardSetLevel.DEPARTMENT,
            province=province.province,
            agency=province.agency_a,
        )
    assert exc.value.code == "standard_set_agency_mismatch"
    own = standard_set_create(
        actor=personas.province_admin,
        name="Bộ thủ tục Sở Tư pháp",
        level=StandardSetLevel.DEPARTMENT,
        province=province.province,
        agency=province.department,
    )
    standard_set_item_add(
        actor=None, standard_set=own, procedure_version=current("1.013859"), workflow=three
    )
    report = standard_set_publish(actor=None, standard_set=own)
    assert report.agencies == 1 and report.created == 1
    assert [c.agency for c in ConfiguredProcedure.objects.all()] == [province.department]
    assert not ConfiguredProcedure.objects.filter(agency=other).exists()
