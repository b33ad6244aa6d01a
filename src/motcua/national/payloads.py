"""The messages the national platforms receive, built from a dossier event
inside the event's transaction (domain.md §5.2 and §6.2). Pure reads: no I/O.

Document links are *not* built here: a link expires, and a message may wait
in the outbox for hours; :func:`with_links` signs them when it is delivered."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from motcua.dossiers.models import Delivery, DocumentKind, Dossier, DossierDocument, DossierEvent
from motcua.dossiers.selectors import ACTION_LABELS
from motcua.dossiers.states import State
from motcua.integrations.national_portal.protocol import timestamp
from motcua.national import links


def _subject(dossier: Dossier) -> tuple[str, str]:
    applicant = dossier.applicant
    if applicant.kind == "citizen":
        return "1", applicant.personal_id or ""
    return "2", applicant.tax_code or ""


def _documents(dossier: Dossier) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    submitted: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    documents = (
        DossierDocument.objects.filter(dossier=dossier)
        .select_related("file", "component")
        .order_by("id")
    )
    for document in documents:
        file_id = str(document.file.public_id)
        component = str(document.component_id or "")
        if document.kind == DocumentKind.RESULT:
            results.append(
                {
                    "GiayToId": file_id,
                    "TenGiayTo": document.title,
                    "MaThanhPhanHoSo": component,
                    "DuongDanTepTinKetQua": "",
                }
            )
        else:
            submitted.append(
                {
                    "TepDinhKemId": file_id,
                    "TenTepDinhKem": document.file.name,
                    "IsDeleted": False,
                    "MaThanhPhanHoSo": component,
                    "DuongDanTaiTepTin": "",
                }
            )
    return submitted, results


def dossier_record(dossier: Dossier) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` record of ``dossier`` as it stands now."""
    version = dossier.configured_procedure_version.procedure_version
    procedure = version.procedure
    kind, subject = _subject(dossier)
    applicant = dossier.applicant
    submitted, results = _documents(dossier)
    returned = dossier.state == State.RETURNED
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.field,
        "TenLinhVuc": version.field,
        "SoBienNhan": dossier.code,
        "ChuHoSo": applicant.name,
        "LoaiDoiTuong": kind,
        "MaDoiTuong": subject,
        "ThongTinKhac": "",
        "Email": applicant.email,
        "Fax": "",
        "SoDienThoai": applicant.phone,
        "TrichYeuHoSo": version.short_name or version.name,
        "NgayTiepNhan": timestamp(dossier.accepted_at or dossier.submitted_at),
        "NgayHenTra": timestamp(dossier.appointment_at),
        "TrangThaiHoSo": str(dossier.national_status or 1),
        "NgayTra": timestamp(dossier.finished_at) if returned else "",
        "ThongTinTra": "",
        "HinhThuc": "1" if dossier.result_delivery == Delivery.POST else "0",
        "NgayKetThucXuLy": timestamp(dossier.finished_at),
        "DonViXuLy": dossier.processing_agency.name,
        "GhiChu": "",
        "TaiLieuNop": submitted,
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.name,
                "MaPhiLePhi": str(fee.pk),
                "HinhThucThu": fee.channel or "",
                "Gia": fee.amount_vnd or 0,
                "LoaiPhiLePhi": "1",
            }
            for fee in version.fees.all().order_by("position", "id")
        ],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": results,
    }


def progress_record(event: DossierEvent) -> dict[str, Any]:
    """The ``CapNhatTienDoHoSoMC`` record of one status change."""
    dossier = event.dossier
    actor = event.actor
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": (actor.full_name or actor.username) if actor else "Hệ thống",
        "ChucDanh": event.actor_role,
        "ThoiDiemXuLy": timestamp(event.at),
        "PhongBanXuLy": event.actor_agency.name if event.actor_agency else "",
        "NoiDungXuLy": str(ACTION_LABELS.get(event.action, event.action)),
        "TrangThai": str(dossier.national_status),
        "NgayBatDau": timestamp(event.at),
        "NgayKetThucTheoQuyDinh": timestamp(dossier.due_at or dossier.appointment_at),
    }


def with_links(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with fresh signed links for its documents."""
    out = dict(record)
    out["TaiLieuNop"] = [
        {**d, "DuongDanTaiTepTin": links.url(d["TepDinhKemId"])} for d in record["TaiLieuNop"]
    ]
    out["DanhSachGiayToKetQua"] = [
        {**d, "DuongDanTepTinKetQua": links.url(d["GiayToId"])}
        for d in record["DanhSachGiayToKetQua"]
    ]
    return out


#: EMC ``Status`` per event (domain.md §6.2): 1 received, 2 processing, 3 returned.
def measurement_status(event: DossierEvent) -> int | None:
    if event.action == "submit":
        return 1
    if event.to_state == State.PROCESSING and event.from_state != State.PROCESSING:
        return 2
    if event.to_state == State.RETURNED:
        return 3
    return None


def measurement_event(event: DossierEvent, status: int) -> dict[str, Any]:
    dossier = event.dossier
    version = dossier.configured_procedure_version.procedure_version
    applicant = dossier.applicant
    _kind, subject = _subject(dossier)
    online = dossier.channel == "online"
    level = {"full": 4, "partial": 3}.get(str(version.online_level), 0)
    return {
        "CodeProfile": dossier.code,
        "SiteId": settings.MOTCUA_EMC_SITE_ID or "motcua",
        "CodeTTHC": version.procedure.code,
        "NameTTHC": version.name,
        "MaHoSo": dossier.code,
        "Status": status,
        "FormsReception": 1 if online else 2,
        "FormsPayments": 0,
        "Level": level,
        "IsFromDVCQG": 0,
        "IsDVCBC": 1 if dossier.channel == "post" else 0,
        "Data": timestamp(event.at),
        "User": {
            "ID_local": str(applicant.public_id),
            "ID_QG": subject,
            "TYPE": 1 if len(subject) == 10 else 2,
            "LOCATION": dossier.province_code,
        },
    }
