"""The standard forms of the one-stop mechanism, rendered to PDF.

Two form sets are registered, because a dossier keeps the set it was
received under:

- ``"2025"``: Circular 03/2025/TT-VPCP, Appendix I (Decree 118/2025), 01–07;
- ``"2018"``: Circular 01/2018/TT-VPCP (Decree 61/2018), 01–06.

The numbers differ between the sets (the 2018 control slip is 05, the 2025
one is 06), so callers that know *what* they print should use
:func:`form_for` with a :class:`FormPurpose` rather than a number.

Forms are Django templates under ``documents/forms/<set>/<no>.html``,
printed on A5 (the tracking book on A4, landscape) with WeasyPrint, in a
serif font that carries Vietnamese (Noto Serif, then DejaVu Serif, through
fontconfig). The renderer fetches nothing from the network: the QR code is
an inline PNG data URI and only ``data:`` URLs are allowed.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.core.errors import NotFound

CURRENT_FORM_SET = "2025"


class FormPurpose(enum.Enum):
    RECEIPT = "receipt"  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT = "supplement"  # Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # Phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "apology"  # Phiếu / văn bản xin lỗi (và hẹn lại / đề nghị gia hạn)
    STOP = "stop"  # Thông báo dừng giải quyết hồ sơ (2025 only)
    CONTROL_SLIP = "control_slip"  # Phiếu kiểm soát quá trình giải quyết hồ sơ
    TRACKING_BOOK = "tracking_book"  # Sổ theo dõi hồ sơ


@dataclass(frozen=True)
class FormSpec:
    form_set: str
    form_no: str
    purpose: FormPurpose
    title: str
    legal_basis: str
    page_size: str = "A5"  # a CSS @page size value

    @property
    def template(self) -> str:
        return f"documents/forms/{self.form_set}/{self.form_no}.html"

    @property
    def label(self) -> str:
        return f"Mẫu số {self.form_no}"


_C2025 = "Thông tư số 03/2025/TT-VPCP"
_C2018 = "Thông tư số 01/2018/TT-VPCP"
_A4 = "A4 landscape"

FORMS: dict[tuple[str, str], FormSpec] = {
    (spec.form_set, spec.form_no): spec
    for spec in (
        FormSpec("2025", "01", FormPurpose.RECEIPT,
                 "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _C2025),
        FormSpec("2025", "02", FormPurpose.SUPPLEMENT,
                 "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", _C2025),
        FormSpec("2025", "03", FormPurpose.REFUSAL,
                 "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", _C2025),
        FormSpec("2025", "04", FormPurpose.APOLOGY,
                 "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", _C2025),
        FormSpec("2025", "05", FormPurpose.STOP,
                 "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", _C2025),
        FormSpec("2025", "06", FormPurpose.CONTROL_SLIP,
                 "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", _C2025),
        FormSpec("2025", "07", FormPurpose.TRACKING_BOOK,
                 "SỔ THEO DÕI HỒ SƠ", _C2025, page_size=_A4),
        FormSpec("2018", "01", FormPurpose.RECEIPT,
                 "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _C2018),
        FormSpec("2018", "02", FormPurpose.SUPPLEMENT,
                 "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", _C2018),
        FormSpec("2018", "03", FormPurpose.REFUSAL,
                 "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", _C2018),
        FormSpec("2018", "04", FormPurpose.APOLOGY,
                 "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", _C2018),
        FormSpec("2018", "05", FormPurpose.CONTROL_SLIP,
                 "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", _C2018),
        FormSpec("2018", "06", FormPurpose.TRACKING_BOOK,
                 "SỔ THEO DÕI HỒ SƠ", _C2018, page_size=_A4),
    )
}  # fmt: skip


def form_get(*, form_set: str, form_no: str) -> FormSpec:
    try:
        return FORMS[(form_set, form_no)]
    except KeyError:
        raise NotFound(
            f"Không có mẫu số {form_no} trong bộ biểu mẫu {form_set}.", code="unknown_form"
        ) from None


def form_for(*, form_set: str, purpose: FormPurpose) -> FormSpec:
    """The form of ``form_set`` that serves ``purpose`` (numbers differ
    between sets)."""
    for spec in FORMS.values():
        if spec.form_set == form_set and spec.purpose is purpose:
            return spec
    raise NotFound(f"Bộ biểu mẫu {form_set} không có mẫu cho mục đích này.", code="unknown_form")


def form_list(*, form_set: str | None = None) -> list[FormSpec]:
    return [s for s in FORMS.values() if form_set is None or s.form_set == form_set]


# --------------------------------------------------------------------------
# What a form shows

_RESULT_EARLY = "Trước hạn"
_RESULT_ON_TIME = "Đúng hạn"
_RESULT_LATE = "Quá hạn"


def _local_date(moment: datetime.datetime) -> datetime.date:
    if timezone.is_aware(moment):
        return timezone.localtime(moment).date()
    return moment.date()


def timeliness(*, done_at: datetime.datetime | None, due: datetime.datetime | None) -> str:
    """How a step finished: "Trước hạn" (early), "Đúng hạn" (on time) or
    "Quá hạn" (late), judged on the local *date*: a step finished any time
    on its due day is on time. Empty while the step is open."""
    if done_at is None or due is None:
        return ""
    done, deadline = _local_date(done_at), _local_date(due)
    if done < deadline:
        return _RESULT_EARLY
    if done == deadline:
        return _RESULT_ON_TIME
    return _RESULT_LATE


@dataclass(frozen=True, kw_only=True)
class ControlStep:
    """One hand-over on the control slip."""

    name: str  # e.g. "Tiếp nhận hồ sơ", "Thẩm định", "Phê duyệt"
    unit: str  # who handles the step
    handed_over_by: str = ""
    received_by: str = ""
    handed_over_at: datetime.datetime | None = None
    received_at: datetime.datetime | None = None
    due: datetime.datetime | None = None
    done_at: datetime.datetime | None = None
    note: str = ""

    @property
    def result(self) -> str:
        return timeliness(done_at=self.done_at, due=self.due)


@dataclass(frozen=True, kw_only=True)
class BookRow:
    """One dossier in the tracking book."""

    dossier_code: str
    procedure_name: str
    applicant_name: str
    applicant_contact: str = ""  # address, phone
    copies: int = 1
    processing_unit: str = ""
    received_at: datetime.datetime | None = None
    appointment: datetime.datetime | None = None
    transferred_at: datetime.datetime | None = None
    done_at: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class FormContext:
    """Everything any form may print. Each form uses what it needs; an
    empty value prints as a dotted line, to be filled in by hand."""

    dossier_code: str = ""
    procedure_name: str = ""
    applicant_name: str = ""
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    parent_agency: str = ""  # cơ quan chủ quản, e.g. "UBND TỈNH VĨNH LONG"
    receiving_unit: str = ""  # the one-stop unit (Bộ phận Một cửa)
    processing_unit: str = ""  # the competent agency
    coordinating_units: Sequence[str] = ()
    document_number: str = ""  # "Số: …"
    received_at: datetime.datetime | None = None
    appointment: datetime.datetime | None = None
    new_appointment: datetime.datetime | None = None
    processing_time: str = ""  # e.g. "15 ngày làm việc"
    submitted_documents: Sequence[str] = ()
    copies: int = 1
    result_delivery: str = ""  # e.g. "Bộ phận Một cửa" or "Dịch vụ bưu chính công ích"
    reasons: Sequence[str] = ()
    missing_documents: Sequence[str] = ()
    steps: Sequence[ControlStep] = ()
    book_rows: Sequence[BookRow] = ()
    book_period: str = ""  # e.g. "Quyển số 01/2026"
    officer_name: str = ""
    officer_phone: str = ""
    signer_title: str = ""  # e.g. "CHỦ TỊCH"; forms 04/05 are signed by the agency head
    signer_name: str = ""
    tracking_url: str = ""
    place: str = "Vĩnh Long"
    issued_on: datetime.date | None = None  # default: today (local)
    extra: dict[str, Any] = field(default_factory=dict)  # for local variants of a form

    @property
    def place_date_line(self) -> str:
        return place_date_line(place=self.place, day=self.issued_on or timezone.localdate())


def place_date_line(*, place: str, day: datetime.date) -> str:
    """The place and date line, e.g. "Vĩnh Long, ngày 05 tháng 02 năm 2026":
    days below 10 and the months January and February take a leading zero
    (Decree 30/2020, Appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def qr_data_uri(url: str) -> str:
    """A PNG data URI of a QR code for ``url``, one pixel per module: the
    form scales it up with ``image-rendering: pixelated``, so the print is
    sharp (an SVG QR code costs WeasyPrint ~100 ms per form; this, ~1 ms)."""
    qr = segno.make(url, error="m")
    return str(qr.png_data_uri(scale=1, border=2))


# --------------------------------------------------------------------------
# Rendering


def render_form_html(*, form_set: str, form_no: str, context: FormContext) -> str:
    spec = form_get(form_set=form_set, form_no=form_no)
    return render_to_string(
        spec.template,
        {
            "form": spec,
            "c": context,
            "qr": qr_data_uri(context.tracking_url) if context.tracking_url else "",
        },
    )


def _weasy_document(html: str) -> Any:
    import weasyprint  # type: ignore[import-untyped]  # no type information shipped

    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()


def render_form_document(*, form_set: str, form_no: str, context: FormContext) -> Any:
    """The laid-out ``weasyprint.Document`` (pages and boxes), for previews
    and tests."""
    return _weasy_document(render_form_html(form_set=form_set, form_no=form_no, context=context))


def render_form_pdf(*, form_set: str, form_no: str, context: FormContext) -> bytes:
    """The form as PDF bytes."""
    document = render_form_document(form_set=form_set, form_no=form_no, context=context)
    pdf: bytes = document.write_pdf()
    return pdf


# --------------------------------------------------------------------------
# The declaration filled online


@dataclass(frozen=True)
class DeclarationContext:
    """An e-form as the citizen filled it: attached to the dossier in place
    of the declaration the procedure lists, so it is never uploaded."""

    title: str
    procedure: str
    agency: str
    applicant: str
    rows: Sequence[tuple[str, str]]
    filed_on: datetime.date


def render_declaration_pdf(*, context: DeclarationContext) -> bytes:
    """The declaration as a PDF (A4)."""
    html = render_to_string("documents/forms/declaration.html", {"c": context})
    pdf: bytes = _weasy_document(html).write_pdf()
    return pdf
