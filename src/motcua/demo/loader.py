"""The demo province: Vĩnh Long as it stands after the 1 July 2025 merger
(with Bến Tre and Trà Vinh): its real 124 communes from the units data, the
provincial people's committee, the public administration service centre,
15 departments, demo staff for every role in several units and demo
applicants. Loading it twice changes nothing.

The agency e-identifiers are in the QCVN 102:2016 shape but are demo values:
a real deployment imports the identifiers issued to the province.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts.models import Applicant, ApplicantKind, Role, RoleAssignment, User
from motcua.catalog.models import (
    ImplementingLevel,
    Procedure,
    StandardSet,
    StandardSetLevel,
    WorkflowTemplate,
)
from motcua.catalog.services import (
    Statutory,
    standard_set_create,
    standard_set_item_add,
    standard_set_publish,
)
from motcua.catalog.workflows import default_workflow_key
from motcua.core.errors import DomainError
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Generation, Level

PROVINCE_CODE = "86"
E_ID_SUFFIX = "H62"
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - printed for the demo on purpose

DEPARTMENTS: list[tuple[str, str]] = [
    ("vp-ubnd", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("so-noi-vu", "Sở Nội vụ"),
    ("so-tu-phap", "Sở Tư pháp"),
    ("so-tai-chinh", "Sở Tài chính"),
    ("so-cong-thuong", "Sở Công Thương"),
    ("so-nn-mt", "Sở Nông nghiệp và Môi trường"),
    ("so-xay-dung", "Sở Xây dựng"),
    ("so-gd-dt", "Sở Giáo dục và Đào tạo"),
    ("so-y-te", "Sở Y tế"),
    ("so-kh-cn", "Sở Khoa học và Công nghệ"),
    ("so-vh-tt-dl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo"),
    ("thanh-tra", "Thanh tra tỉnh"),
    ("cong-an", "Công an tỉnh"),
    ("bql-kcn", "Ban Quản lý các khu công nghiệp tỉnh"),
]

#: (username, full name, agency public id, roles)
STAFF: list[tuple[str, str, str, list[str]]] = [
    ("quantri.tinh", "Lê Minh Quân", "vl-ubnd", [Role.PROVINCE_ADMIN]),
    ("thanhtra.tinh", "Phạm Thu Hà", "vl-ubnd", [Role.INSPECTOR]),
    ("motcua.tinh", "Nguyễn Thị Lan", "vl-tthcc", [Role.ONE_STOP_OFFICER]),
    ("lanhdao.tthcc", "Võ Văn Kiệt", "vl-tthcc", [Role.LEADER, Role.UNIT_ADMIN]),
    ("motcua.stp", "Mai Thị Kim", "vl-so-tu-phap", [Role.ONE_STOP_OFFICER]),
    ("chuyenvien.stp", "Trần Quốc Bảo", "vl-so-tu-phap", [Role.SPECIALIST]),
    ("lanhdao.stp", "Huỳnh Thị Mai", "vl-so-tu-phap", [Role.LEADER]),
    ("quantri.stp", "Đặng Văn Hùng", "vl-so-tu-phap", [Role.UNIT_ADMIN]),
    ("chuyenvien.sxd", "Lý Thanh Tâm", "vl-so-xay-dung", [Role.SPECIALIST]),
    ("lanhdao.sxd", "Châu Minh Đức", "vl-so-xay-dung", [Role.LEADER]),
    ("chuyenvien.snnmt", "Đỗ Thị Hạnh", "vl-so-nn-mt", [Role.SPECIALIST]),
    ("motcua.phukhuong", "Trương Thị Ngọc", "vl-xa-28756", [Role.ONE_STOP_OFFICER]),
    ("chuyenvien.phukhuong", "Phan Văn Tài", "vl-xa-28756", [Role.SPECIALIST]),
    ("lanhdao.phukhuong", "Nguyễn Hữu Phước", "vl-xa-28756", [Role.LEADER, Role.UNIT_ADMIN]),
    ("motcua.giaolong", "Bùi Thị Thu", "vl-xa-28807", [Role.ONE_STOP_OFFICER]),
    ("chuyenvien.giaolong", "Lâm Văn Sang", "vl-xa-28807", [Role.SPECIALIST]),
    ("lanhdao.giaolong", "Tô Thị Diễm", "vl-xa-28807", [Role.LEADER]),
]

#: (username, name, personal id / tax code, kind)
APPLICANTS: list[tuple[str, str, str, str]] = [
    ("congdan.an", "Nguyễn Văn An", "086190001234", ApplicantKind.CITIZEN),
    ("congdan.binh", "Trần Thị Bình", "083195004321", ApplicantKind.CITIZEN),
    ("congdan.chau", "Lê Minh Châu", "084302007788", ApplicantKind.CITIZEN),
    ("doanhnghiep.mekong", "Công ty TNHH Mê Kông Xanh", "1500987650", ApplicantKind.ORGANISATION),
]


@dataclass
class DemoReport:
    agencies_created: int
    staff_created: int
    applicants_created: int


def _province() -> AdministrativeUnit:
    province = AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.PROVINCE, code=PROVINCE_CODE
    ).first()
    if province is None:
        raise DomainError(
            "Chưa có dữ liệu đơn vị hành chính: hãy chạy `motcua import_units` trước.",
            code="units_missing",
        )
    return province


@transaction.atomic
def load_demo() -> DemoReport:
    province = _province()
    created = 0

    def agency(public_id: str, name: str, kind: str, area: AdministrativeUnit, eid: str) -> Agency:
        nonlocal created
        obj, was_created = Agency.objects.get_or_create(
            public_id=public_id,
            defaults={"name": name, "kind": kind, "area": area, "e_identifier": eid},
        )
        created += was_created
        return obj

    committee = agency(
        "vl-ubnd",
        "Ủy ban nhân dân tỉnh Vĩnh Long",
        AgencyKind.PROVINCE_COMMITTEE,
        province,
        f"000.00.00.{E_ID_SUFFIX}",
    )
    agency(
        "vl-tthcc",
        "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long",
        AgencyKind.PUBLIC_SERVICE_CENTRE,
        province,
        f"000.00.01.{E_ID_SUFFIX}",
    )
    for index, (slug, name) in enumerate(DEPARTMENTS, start=2):
        agency(
            f"vl-{slug}", name, AgencyKind.DEPARTMENT, province, f"000.00.{index:02d}.{E_ID_SUFFIX}"
        )
    communes = AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE, province=province
    ).order_by("code")
    for index, commune in enumerate(communes, start=1):
        agency(
            f"vl-xa-{commune.code}",
            f"Ủy ban nhân dân {commune.name}",
            AgencyKind.COMMUNE_COMMITTEE,
            commune,
            f"000.{20 + index // 100:02d}.{index % 100:02d}.{E_ID_SUFFIX}",
        )
    Agency.objects.filter(province=province).exclude(pk=committee.pk).filter(
        parent__isnull=True
    ).update(parent=committee)

    # One hash for every demo account: hashing is slow on purpose.
    password = make_password(DEMO_PASSWORD)
    staff_created = 0
    if not User.objects.filter(username="admin").exists():
        User.objects.create(
            username="admin",
            password=password,
            full_name="Quản trị hệ thống",
            is_staff=True,
            is_superuser=True,
        )
        staff_created += 1
    agencies = {a.public_id: a for a in Agency.objects.filter(province=province)}
    for username, full_name, agency_id, roles in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            # Demo addresses: the notifications reach the local SMTP sandbox.
            user = User.objects.create(
                username=username,
                password=password,
                full_name=full_name,
                email=f"{username}@demo.motcua.local",
            )
            staff_created += 1
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, agency=agencies[agency_id], role=role)

    applicants_created = 0
    for username, name, number, kind in APPLICANTS:
        if User.objects.filter(username=username).exists():
            continue
        email = f"{username}@demo.motcua.local"
        user = User.objects.create(
            username=username, password=password, full_name=name, email=email
        )
        Applicant.objects.create(
            kind=kind,
            user=user,
            name=name,
            email=email,
            personal_id=number if kind == ApplicantKind.CITIZEN else None,
            tax_code=number if kind == ApplicantKind.ORGANISATION else None,
        )
        applicants_created += 1
    return DemoReport(created, staff_created, applicants_created)


def demo_accounts_text() -> str:
    lines = [
        f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD})",
        "  admin                 quản trị hệ thống (trang /admin/)",
    ]
    for username, full_name, agency_id, roles in STAFF:
        labels = ", ".join(str(Role(r).label) for r in roles)
        lines.append(f"  {username:<22}{full_name} — {labels} ({agency_id})")
    lines.append("  Người nộp hồ sơ đăng nhập bằng tên đăng nhập hoặc số in trong ngoặc:")
    for username, name, number, _kind in APPLICANTS:
        lines.append(f"  {username:<22}{name} — người nộp hồ sơ ({number})")
    return "\n".join(lines)


#: Each department's own procedures in the sample catalogue.
DEPARTMENT_SETS: dict[str, list[str]] = {
    "so-tu-phap": ["2.000829", "1.011441", "1.013859"],
    "so-tai-chinh": ["2.001583", "2.002043", "2.001610"],
    "so-xay-dung": ["1.013236", "1.012906"],
    "so-nn-mt": ["1.012786", "1.012784", "2.001827", "1.012783"],
    "cong-an": ["3.000333", "3.000347", "1.001456"],
}
COMMUNE_SET_NAME = "Bộ thủ tục chuẩn cấp xã tỉnh Vĩnh Long"


@dataclass
class DemoCatalogReport:
    sets: int
    agencies: int
    configured_created: int


@transaction.atomic
def load_demo_catalog() -> DemoCatalogReport:
    """Standard procedure sets of the demo province, published in one action
    each: one set for all 124 communes, one for each department that handles
    procedures of the sample catalogue. Idempotent."""

    province = _province()
    workflows = {
        t.key: t.versions.order_by("-number").first() for t in WorkflowTemplate.objects.all()
    }
    procedures = {
        p.code: p.current_version
        for p in Procedure.objects.select_related("current_version").filter(
            current_version__isnull=False
        )
    }
    plan: list[tuple[str, str, Agency | None, list[str]]] = [
        (
            COMMUNE_SET_NAME,
            StandardSetLevel.COMMUNE,
            None,
            sorted(
                code
                for code, version in procedures.items()
                if version is not None
                and version.level == ImplementingLevel.COMMUNE
                and Statutory.of(version).days is not None
            ),
        )
    ]
    for slug, codes in DEPARTMENT_SETS.items():
        department = Agency.objects.get(public_id=f"vl-{slug}")
        plan.append(
            (f"Bộ thủ tục {department.name}", StandardSetLevel.DEPARTMENT, department, codes)
        )
    report = DemoCatalogReport(sets=0, agencies=0, configured_created=0)
    for name, level, agency, codes in plan:
        standard_set = StandardSet.objects.filter(name=name, province=province).first()
        if standard_set is None:
            standard_set = standard_set_create(
                actor=None, name=name, level=level, province=province, agency=agency
            )
            for code in codes:
                version = procedures[code]
                assert version is not None
                standard_set_item_add(
                    actor=None,
                    standard_set=standard_set,
                    procedure_version=version,
                    workflow=workflows[default_workflow_key(Statutory.of(version).days)],
                )
            report.sets += 1
        published = standard_set_publish(actor=None, standard_set=standard_set)
        report.agencies += published.agencies
        report.configured_created += published.created
    return report


#: The demo's full online public service (issue 9): "Cấp bản sao Trích lục hộ
#: tịch" at Phú Khương commune — fee due at submission (8 000 đồng), paid
#: online through either gateway's sandbox, the result by post or download,
#: the applicant told by e-mail, SMS and Zalo, then asked to rate.
FULL_ONLINE_PROCEDURE = "2.000635"
FULL_ONLINE_AGENCY = "vl-xa-28756"
FULL_ONLINE_APPLICANT = "congdan.an"
FULL_ONLINE_PHONE = "0912345678"


@transaction.atomic
def load_full_online_demo() -> bool:
    """Configure the demo's full online service (idempotent): the fee policy
    of the procedure at the commune, postal handling allowed, and the demo
    applicant's verified contacts with every channel chosen. ``False`` when
    the procedure is not configured at the commune (catalogue not loaded)."""
    from django.utils import timezone

    from motcua.catalog.models import ConfiguredProcedure
    from motcua.notifications.models import ContactPoint, Preference
    from motcua.payments.models import FeePolicy
    from motcua.payments.states import DueAt

    configured = ConfiguredProcedure.objects.filter(
        agency__public_id=FULL_ONLINE_AGENCY, procedure__code=FULL_ONLINE_PROCEDURE
    ).first()
    if configured is None:
        return False
    FeePolicy.objects.get_or_create(configured=configured, defaults={"due_at": DueAt.SUBMISSION})
    Procedure.objects.filter(code=FULL_ONLINE_PROCEDURE).update(postal_eligible=True)
    user = User.objects.filter(username=FULL_ONLINE_APPLICANT).first()
    if user is not None:
        Applicant.objects.filter(user=user, phone="").update(phone=FULL_ONLINE_PHONE)
        Preference.objects.get_or_create(
            user=user, defaults={"email": True, "sms": True, "zalo": True}
        )
        for kind, value in (("email", user.email), ("phone", FULL_ONLINE_PHONE)):
            ContactPoint.objects.get_or_create(
                user=user, kind=kind, value=value, defaults={"verified_at": timezone.now()}
            )
    return True


def full_online_text() -> str:
    return (
        f"Dịch vụ công trực tuyến toàn trình: thủ tục {FULL_ONLINE_PROCEDURE} (cấp bản sao trích "
        "lục hộ tịch) tại Ủy ban nhân dân xã Phú Khương — nộp trực tuyến bằng tài khoản "
        f"{FULL_ONLINE_APPLICANT}, nộp lệ phí 8.000 đồng qua cổng thanh toán thử nghiệm, chọn "
        "nhận kết quả qua bưu điện, nhận thông báo qua thư điện tử, SMS và Zalo (hộp thư thử "
        "nghiệm: cổng 1025, 1026, 1027), rồi đánh giá."
    )
