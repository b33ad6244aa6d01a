from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest

from motcua.core.errors import NotFound
from motcua.documents import checks, pdf
from motcua.documents.pdf import (
    FORMS,
    BookRow,
    ControlStep,
    FormContext,
    FormPurpose,
    form_for,
    form_get,
    form_list,
    place_date_line,
    qr_data_uri,
    render_form_document,
    render_form_html,
    render_form_pdf,
    timeliness,
)

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime.datetime(2026, 11, 26, 8, 30, tzinfo=ICT)
A5_PT = (419.53, 595.28)
A4_PT = (595.28, 841.89)


def sample_context(**overrides) -> FormContext:
    base = FormContext(
        dossier_code="000.00.01.H62-261126-0001",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Nguyễn Thị Ánh Tuyết",
        applicant_address="Ấp Phú Hòa, xã Đông Hòa, tỉnh Vĩnh Long",
        applicant_phone="0912 345 678",
        parent_agency="UBND tỉnh Vĩnh Long",
        receiving_unit="Trung tâm Phục vụ hành chính công",
        processing_unit="Sở Tư pháp",
        coordinating_units=["Công an tỉnh"],
        document_number="125/TNHS",
        received_at=RECEIVED,
        appointment=RECEIVED + datetime.timedelta(days=5),
        new_appointment=RECEIVED + datetime.timedelta(days=8),
        processing_time="05 ngày làm việc",
        submitted_documents=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        result_delivery="Dịch vụ bưu chính công ích",
        reasons=["Giấy chứng sinh bị mờ, không đọc được."],
        missing_documents=["Giấy chứng sinh (bản chính, rõ nét)"],
        steps=[
            ControlStep(
                name="Tiếp nhận hồ sơ",
                unit="Bộ phận Một cửa",
                handed_over_at=RECEIVED,
                received_at=RECEIVED,
                due=RECEIVED,
                done_at=RECEIVED,
            ),
            ControlStep(
                name="Thẩm định",
                unit="Phòng Hộ tịch",
                handed_over_at=RECEIVED,
                due=RECEIVED + datetime.timedelta(days=3),
            ),
        ],
        book_rows=[
            BookRow(
                dossier_code="000.00.01.H62-261126-0001",
                procedure_name="Đăng ký khai sinh",
                applicant_name="Nguyễn Thị Ánh Tuyết",
                received_at=RECEIVED,
            )
        ],
        book_period="Quyển số 01/2026",
        officer_name="Trần Thu Hà",
        officer_phone="0270 3822 123",
        signer_title="Giám đốc",
        signer_name="Phạm Văn Cường",
        tracking_url="https://dichvucong.vinhlong.gov.vn/tra-cuu/000.00.01.H62-261126-0001",
        issued_on=datetime.date(2026, 11, 26),
    )
    return dataclasses.replace(base, **overrides)


def layout_text(document) -> str:
    """All text WeasyPrint laid out on the pages, in order."""
    parts: list[str] = []

    def walk(box) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            parts.append(text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(parts).split())


def pdf_text(pdf: bytes) -> str | None:
    """Text extracted back from the PDF by poppler's pdftotext, if present."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    done = subprocess.run(  # noqa: S603
        [exe, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


def first_media_box(pdf: bytes) -> tuple[float, float]:
    dictionaries = checks._pdf_dictionaries(pdf)
    match = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]",
                      dictionaries)  # fmt: skip
    assert match is not None
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return x1 - x0, y1 - y0


ALL_FORMS = sorted(FORMS)


@pytest.mark.parametrize(("form_set", "form_no"), ALL_FORMS)
def test_form_renders_a_valid_pdf_of_the_right_size(form_set, form_no):
    spec = form_get(form_set=form_set, form_no=form_no)
    pdf = render_form_pdf(form_set=form_set, form_no=form_no, context=sample_context())
    assert pdf.startswith(b"%PDF-")
    assert checks.check_pdf(pdf).page_count >= 1  # our own upload check accepts it
    width, height = first_media_box(pdf)
    if spec.purpose is FormPurpose.TRACKING_BOOK:
        assert (height, width) == pytest.approx(A4_PT, abs=0.5)  # A4 landscape
    else:
        assert (width, height) == pytest.approx(A5_PT, abs=0.5)
    fonts = re.findall(rb"/FontName\s*/[A-Z]{6}\+([\w-]+)", checks._pdf_dictionaries(pdf))
    assert fonts
    assert all(b"Noto" in f or b"DejaVu" in f for f in fonts), fonts
    text = pdf_text(pdf)
    if text is not None:
        assert spec.title in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Nguyễn Thị Ánh Tuyết" in text


@pytest.mark.parametrize(("form_set", "form_no"), ALL_FORMS)
def test_form_lays_out_the_vietnamese_heading_and_title(form_set, form_no):
    spec = form_get(form_set=form_set, form_no=form_no)
    document = render_form_document(form_set=form_set, form_no=form_no, context=sample_context())
    text = layout_text(document)
    assert spec.title in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Mẫu số {form_no}" in text
    assert "Vĩnh Long, ngày 26 tháng 11 năm 2026" in text
    expected_basis = "03/2025/TT-VPCP" if form_set == "2025" else "01/2018/TT-VPCP"
    assert expected_basis in text
    # A5 portrait (A4 landscape for the book), in CSS pixels.
    for page in document.pages:
        assert page.width == pytest.approx(
            (842 if spec.purpose is FormPurpose.TRACKING_BOOK else 419.53) / 0.75, abs=1
        )


def test_receipt_shows_the_dossier_and_appointment():
    text = layout_text(
        render_form_document(form_set="2025", form_no="01", context=sample_context())
    )
    assert "000.00.01.H62-261126-0001" in text
    assert "08 giờ 30 phút, ngày 26 tháng 11 năm 2026" in text
    assert "08 giờ 30 phút, ngày 01 tháng 12 năm 2026" in text
    assert "Giấy chứng sinh" in text
    assert "Nguyễn Thị Ánh Tuyết" in text


def test_apology_2025_asks_for_an_extension_and_2018_sets_a_new_date():
    new = "ngày 04 tháng 12 năm 2026"
    text_2025 = layout_text(
        render_form_document(form_set="2025", form_no="04", context=sample_context())
    )
    text_2018 = layout_text(
        render_form_document(form_set="2018", form_no="04", context=sample_context())
    )
    assert "gia hạn" in text_2025 and new in text_2025
    assert "gia hạn" not in text_2018 and new in text_2018
    assert "GIÁM ĐỐC" in text_2025


def test_control_slip_judges_each_step():
    text = layout_text(
        render_form_document(form_set="2025", form_no="06", context=sample_context())
    )
    assert "Tiếp nhận hồ sơ" in text
    assert "Đúng hạn" in text


def test_empty_context_prints_dotted_lines():
    for form_set, form_no in ALL_FORMS:
        html = render_form_html(
            form_set=form_set, form_no=form_no, context=FormContext(issued_on=RECEIVED.date())
        )
        assert "……" in html


def test_many_steps_flow_onto_more_pages():
    steps = [ControlStep(name=f"Bước {i}", unit="Phòng Hộ tịch") for i in range(40)]
    document = render_form_document(
        form_set="2025", form_no="06", context=sample_context(steps=steps)
    )
    assert len(document.pages) > 1


def test_values_are_escaped():
    html = render_form_html(
        form_set="2025",
        form_no="01",
        context=sample_context(applicant_name="<script>alert(1)</script>"),
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_qr_code_links_to_the_tracking_url():
    html = render_form_html(form_set="2025", form_no="01", context=sample_context())
    assert 'src="data:image/png' in html
    assert "https://dichvucong.vinhlong.gov.vn/tra-cuu/000.00.01.H62-261126-0001" in html
    no_url = render_form_html(
        form_set="2025", form_no="01", context=sample_context(tracking_url="")
    )
    assert "data:image/png" not in no_url
    assert qr_data_uri("https://example.vn/x").startswith("data:image/png;base64,")


def test_only_data_urls_are_fetched(monkeypatch, tmp_path):
    import urllib.request

    calls: list[object] = []
    real_open = urllib.request.OpenerDirector.open

    def spy(self, url, *args, **kwargs):
        calls.append(getattr(url, "full_url", url))
        return real_open(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    html = (
        f'<img src="http://example.com/x.png"><img src="file://{secret}">'
        '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E">'
    )
    document = pdf._weasy_document(html)
    assert document.pages
    assert all(str(url).startswith("data:") for url in calls), calls


def test_registry():
    assert [s.form_no for s in form_list(form_set="2025")] == [
        "01", "02", "03", "04", "05", "06", "07",
    ]  # fmt: skip
    assert [s.form_no for s in form_list(form_set="2018")] == ["01", "02", "03", "04", "05", "06"]
    assert form_for(form_set="2025", purpose=FormPurpose.CONTROL_SLIP).form_no == "06"
    assert form_for(form_set="2018", purpose=FormPurpose.CONTROL_SLIP).form_no == "05"
    assert form_for(form_set="2025", purpose=FormPurpose.STOP).title == (
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
    )
    with pytest.raises(NotFound) as info:
        form_for(form_set="2018", purpose=FormPurpose.STOP)
    assert info.value.code == "unknown_form"
    with pytest.raises(NotFound):
        form_get(form_set="2025", form_no="08")
    with pytest.raises(NotFound):
        render_form_pdf(form_set="2019", form_no="01", context=sample_context())


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 2, 5), "Vĩnh Long, ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 1, 31), "Vĩnh Long, ngày 31 tháng 01 năm 2026"),
        (datetime.date(2026, 11, 26), "Vĩnh Long, ngày 26 tháng 11 năm 2026"),
        (datetime.date(2026, 3, 9), "Vĩnh Long, ngày 09 tháng 3 năm 2026"),
    ],
)
def test_place_date_line(day, expected):
    assert place_date_line(place="Vĩnh Long", day=day) == expected


def test_timeliness_compares_local_dates():
    due = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=ICT)
    late_evening = datetime.datetime(2026, 11, 30, 23, 0, tzinfo=ICT)  # 16:00 UTC, same day
    assert timeliness(done_at=late_evening, due=due) == "Đúng hạn"
    assert timeliness(done_at=due - datetime.timedelta(days=1), due=due) == "Trước hạn"
    assert timeliness(done_at=due + datetime.timedelta(hours=8), due=due) == "Quá hạn"
    assert timeliness(done_at=None, due=due) == ""
