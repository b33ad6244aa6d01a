import io

import pytest
from django.core.management import call_command

from motcua.accounts.models import Applicant, RoleAssignment, User
from motcua.catalog.models import ConfiguredProcedure
from motcua.demo.loader import DEMO_PASSWORD
from motcua.units.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db


def test_demo_loads_vinh_long_once(client):
    out = io.StringIO()
    call_command("demo", "--history-dossiers", "40", stdout=out)
    text = out.getvalue()
    assert "Tỉnh demo Vĩnh Long: 141 cơ quan mới" in text
    # The history slice: generated for the real demo catalogue, imported whole.
    assert "40 hồ sơ mới" in text and "0 bị từ chối" in text, text
    assert "motcua.phukhuong" in text and DEMO_PASSWORD in text

    vinh_long = Agency.objects.filter(province__code="86", province__generation="2025")
    assert vinh_long.filter(kind=AgencyKind.COMMUNE_COMMITTEE).count() == 124
    assert vinh_long.filter(kind=AgencyKind.DEPARTMENT).count() == 15
    assert vinh_long.filter(kind=AgencyKind.PUBLIC_SERVICE_CENTRE).count() == 1
    assert vinh_long.exclude(e_identifier__isnull=False).count() == 0
    # One standard set for all communes and one per department, published.
    assert "6 bộ thủ tục chuẩn mới, công bố tới 129 đơn vị" in text
    offered = ConfiguredProcedure.objects.filter(agency__public_id="vl-xa-28756")
    assert offered.count() == 30
    assert offered.filter(current_version__isnull=True).count() == 0
    assert sorted(
        ConfiguredProcedure.objects.filter(agency__public_id="vl-so-tu-phap").values_list(
            "procedure__code", flat=True
        )
    ) == ["1.011441", "1.013859", "2.000829"]
    # The full online service: fee at submission, post allowed, every channel.
    from motcua.notifications.models import ContactPoint
    from motcua.payments.fees import fee_quote_compute
    from motcua.payments.models import FeePolicy

    assert "Dịch vụ công trực tuyến toàn trình" in text
    full = offered.get(procedure__code="2.000635")
    assert FeePolicy.objects.get(configured=full).due_at == "submission"
    assert full.procedure.postal_eligible
    cpv = full.current_version
    assert cpv is not None
    assert fee_quote_compute(fees=cpv.fees, channel="online", form_data={}).total_vnd == 8000
    assert (
        ContactPoint.objects.filter(user__username="congdan.an", verified_at__isnull=False).count()
        == 2
    )
    birth = offered.get(procedure__code="1.001193").current_version
    assert birth is not None and birth.workflow is not None
    assert birth.workflow.template.key == "trong-ngay"
    roles = RoleAssignment.objects.count()
    users = User.objects.count()

    again = io.StringIO()
    call_command("demo", "--history-dossiers", "40", stdout=again)
    assert "đã được nạp từ trước" in again.getvalue()
    assert (
        "0 cơ quan mới, 0 cán bộ mới, 0 người nộp mới; 0 bộ thủ tục chuẩn mới" in again.getvalue()
    )
    assert ConfiguredProcedure.objects.count() == 3735
    assert RoleAssignment.objects.count() == roles
    assert User.objects.count() == users
    assert Applicant.objects.filter(personal_id="086190001234").count() == 1

    # Every role is represented, and a demo account signs in.
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == {
        "one_stop_officer",
        "specialist",
        "leader",
        "unit_admin",
        "inspector",
        "province_admin",
    }
    assert client.login(username="motcua.phukhuong", password=DEMO_PASSWORD)
    page = client.get("/can-bo/").content.decode()
    assert "Ủy ban nhân dân Phường Phú Khương" in page
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
