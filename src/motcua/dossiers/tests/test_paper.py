"""Paper that fits: the receipt (form 01) and the supplement request (form
02) fit their A5 page with the QR code on the first page, and print every
field the dossier knows (the applicant's address typed in the e-form)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure, EForm, VersionStatus
from motcua.documents.pdf import FormPurpose
from motcua.dossiers import printing, services
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import add_components, local, upload
from motcua.testing import Personas

SITE = "https://dichvucong.vinhlong.gov.vn"
LONG_NAME = (
    "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực "
    "điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)"
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Tờ khai",
    "properties": {
        "nguoi_yeu_cau": {
            "type": "object",
            "title": "Người yêu cầu",
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ tên"},
                "noi_cu_tru": {"type": "object", "format": "vn-address", "title": "Nơi cư trú"},
            },
        }
    },
}


def _poppler(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")


def pages(pdf: bytes) -> int:
    _poppler("pdfinfo")
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)  # noqa: S607
    line = next(ln for ln in out.stdout.decode().splitlines() if ln.startswith("Pages:"))
    return int(line.split()[1])


def page_text(pdf: bytes, page: int) -> str:
    _poppler("pdftotext")
    out = subprocess.run(  # noqa: S603 - fixed tool, our own arguments
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def images_on_page(pdf: bytes, page: int, tmp: Path) -> int:
    _poppler("pdfimages")
    path = tmp / "form.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 - fixed tool, our own arguments
        ["pdfimages", "-list", "-f", str(page), "-l", str(page), str(path)],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return max(0, len(out.stdout.decode().splitlines()) - 2)  # two header lines


@pytest.fixture
def realistic(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    """A dossier as a real one looks: a long procedure name, four documents,
    the address typed in the e-form only (the applicant record has none)."""
    cpv = procedure.current_version
    assert cpv is not None
    pv = cpv.procedure_version
    pv.name = LONG_NAME
    pv.save(update_fields=["name"])
    cpv.eform = EForm.objects.create(
        procedure=procedure.procedure, number=1, status=VersionStatus.PUBLISHED, schema=SCHEMA
    )
    cpv.save(update_fields=["eform"])
    components = add_components(procedure)
    files = [
        Attachment(
            file=upload(personas.citizen, f"giay-to-{i}.pdf"), component_id=components[i % 2].pk
        )
        for i in range(4)
    ]
    applicant.address = ""
    applicant.phone = "0909123456"
    applicant.save(update_fields=["address", "phone"])
    form = {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "noi_cu_tru": {
                "commune_code": personas.place.commune_a.code,
                "street": "Số 12, ấp Phú Thạnh",
            },
        }
    }
    d = services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=applicant,
        form_data=form,
        attachments=files,
        now=local(2026, 3, 2, 8),
    )
    return services.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )


ADDRESS = "Số 12, ấp Phú Thạnh, Xã Đông Hòa, Tỉnh Thử Nghiệm"


def test_receipt_fits_one_a5_page_with_the_qr_code(realistic: Dossier, tmp_path: Path) -> None:
    spec, pdf = printing.render_dossier_form(
        dossier=realistic, purpose=FormPurpose.RECEIPT, site=SITE
    )
    assert spec.form_no == "01" and spec.page_size == "A5"
    assert pages(pdf) == 1
    first = page_text(pdf, 1)
    assert "Quét mã QR" in first and realistic.code in first
    assert images_on_page(pdf, 1, tmp_path) == 1  # the QR code itself
    assert ADDRESS in first
    assert "0909123456" in first


def test_supplement_request_fits_with_the_address(
    realistic: Dossier, personas: Personas, procedure: ConfiguredProcedure
) -> None:
    components = list(realistic.documents.values_list("component_id", flat=True))
    d = services.dossier_forward(
        dossier=realistic, actor=personas.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    d = services.dossier_ask_to_supplement(
        dossier=d,
        actor=personas.specialist,
        expected_version=3,
        reason="Cần bổ sung bản sao rõ nét",
        requested=[
            RequestedItem(
                "illegible", "Bản chụp bị mờ, không đọc được số định danh", components[0]
            ),
            RequestedItem("missing", "Thiếu trang 2 của giấy tờ", components[1]),
        ],
        now=local(2026, 3, 2, 14),
    )
    spec, pdf = printing.render_dossier_form(dossier=d, purpose=FormPurpose.SUPPLEMENT, site=SITE)
    assert spec.form_no == "02"
    assert pages(pdf) == 1
    assert ADDRESS in page_text(pdf, 1)
