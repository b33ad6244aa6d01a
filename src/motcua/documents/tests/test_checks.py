from __future__ import annotations

import contextlib
import hashlib
import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from motcua.core.errors import DomainError
from motcua.documents import checks
from motcua.documents.checks import FileKind, check_upload, sanitize_filename
from motcua.documents.tests import factories


def assert_rejected(code: str, content: bytes, name: str = "tep.pdf", **limits: int) -> DomainError:
    with pytest.raises(DomainError) as info:
        check_upload(content=content, name=name, **limits)
    assert info.value.code == code, (info.value.code, info.value.message)
    assert info.value.message  # a Vietnamese sentence for the citizen
    return info.value


# -- accepted files ----------------------------------------------------------


def test_accepts_png_with_thumbnail():
    content = factories.png_bytes((640, 480))
    checked = check_upload(content=content, name="ảnh.PNG")
    assert checked.kind is FileKind.PNG
    assert checked.content_type == "image/png"
    assert checked.name == "ảnh.png"
    assert (checked.width, checked.height) == (640, 480)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.thumbnail is not None
    with Image.open(io.BytesIO(checked.thumbnail)) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) == checks.THUMBNAIL_SIZE


def test_accepts_png_with_transparency():
    checked = check_upload(content=factories.png_bytes((50, 50), mode="RGBA"), name="a.png")
    assert checked.thumbnail is not None


def test_accepts_jpeg_and_fixes_a_wrong_extension():
    checked = check_upload(content=factories.jpeg_bytes(), name="CCCD mặt trước.png")
    assert checked.kind is FileKind.JPEG
    assert checked.content_type == "image/jpeg"
    assert checked.name == "CCCD mặt trước.jpg"
    assert checked.thumbnail is not None


def test_accepts_weasyprint_pdf():
    checked = check_upload(content=factories.weasy_pdf(), name="Tờ khai.pdf")
    assert checked.kind is FileKind.PDF
    assert checked.content_type == "application/pdf"
    assert checked.page_count == 1
    assert checked.thumbnail is None


def test_accepts_classic_pdf():
    checked = check_upload(content=factories.handmade_pdf(), name="x.pdf")
    assert checked.page_count == 1


# -- size --------------------------------------------------------------------


def test_rejects_empty_file():
    assert_rejected("empty_file", b"")


def test_rejects_oversize_file():
    content = factories.png_bytes((200, 200))
    error = assert_rejected("file_too_large", content, "a.png", max_bytes=len(content) - 1)
    assert "tối đa" in error.message


def test_default_limit_is_10_mb_and_configurable(settings):
    assert checks.max_upload_bytes() == 10 * 1024 * 1024
    settings.MOTCUA_UPLOAD_MAX_BYTES = 100
    assert_rejected("file_too_large", factories.png_bytes((200, 200)), "a.png")


# -- disguised files ---------------------------------------------------------


def test_rejects_exe_renamed_pdf():
    assert_rejected("unsupported_type", b"MZ\x90\x00\x03" + b"\x00" * 200, "giay-to.pdf")


def test_rejects_html_renamed_png():
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    assert_rejected("unsupported_type", html, "anh.png")


def test_rejects_other_images():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    assert_rejected("unsupported_type", out.getvalue(), "a.gif")


def test_rejects_pdf_header_before_junk():
    assert_rejected("unsupported_type", b"\n" + factories.weasy_pdf(), "a.pdf")


# -- broken images -----------------------------------------------------------


def test_rejects_corrupt_png():
    content = bytearray(factories.png_bytes((120, 120)))
    middle = len(content) // 2
    content[middle : middle + 16] = b"\x00" * 16
    assert_rejected("corrupt_file", bytes(content), "a.png")


def test_rejects_png_magic_with_garbage():
    assert_rejected("corrupt_file", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "a.png")


def test_rejects_truncated_jpeg():
    content = factories.jpeg_bytes((300, 300))
    assert_rejected("corrupt_file", content[: len(content) // 2], "a.jpg")


def test_rejects_image_bomb_header():
    assert_rejected("image_too_large", factories.png_with_header_size(100_000, 100_000), "a.png")


def test_rejects_image_over_pixel_limit():
    content = factories.png_bytes((400, 300))
    assert_rejected("image_too_large", content, "a.png", max_pixels=400 * 300 - 1)
    assert check_upload(content=content, name="a.png", max_pixels=400 * 300).width == 400


# -- PDFs ----------------------------------------------------------------------


def test_rejects_truncated_pdf():
    content = factories.weasy_pdf()
    assert_rejected("corrupt_file", content[: len(content) // 2])
    assert_rejected("corrupt_file", content[:-20])


def test_rejects_pdf_header_only():
    assert_rejected("corrupt_file", b"%PDF-1.7\n%%EOF\n")


def test_rejects_pdf_without_pages():
    content = factories.handmade_pdf().replace(b"/Type /Page /", b"/Type /Bogus /")
    assert_rejected("corrupt_file", content)


def test_rejects_pdf_with_javascript_open_action():
    content = factories.handmade_pdf(
        catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "
    )
    assert_rejected("pdf_active_content", content)


def test_rejects_pdf_with_launch_action():
    content = factories.handmade_pdf(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >> ")
    assert_rejected("pdf_active_content", content)


def test_rejects_javascript_hidden_in_object_stream_with_escaped_names():
    assert_rejected("pdf_active_content", factories.objstm_pdf_with_javascript())


def test_rejects_encrypted_pdf():
    content = factories.handmade_pdf(
        trailer_extra=b"/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 >> "
    )
    assert_rejected("pdf_encrypted", content)


def test_text_mentioning_javascript_is_not_an_action():
    # The word in page text is inside a compressed content stream: not a name.
    checked = check_upload(content=factories.weasy_pdf("/JavaScript /Launch /JS"), name="a.pdf")
    assert checked.page_count == 1


# -- names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd", ".pdf", "passwd.pdf"),
        ("Giấy khai sinh (bản sao).PDF", ".pdf", "Giấy khai sinh (bản sao).pdf"),
        ("C:\\Users\\An\\Ảnh CCCD.jpeg", ".jpg", "Ảnh CCCD.jpg"),
        ("to\x00khai\x1f\x7f.pdf", ".pdf", "tokhai.pdf"),
        ("hoso\u202egpj.exe", ".png", "hosogpj.png"),
        ("a\nb\tc.pdf", ".pdf", "a b c.pdf"),
        ('kê<khai>:"x"|?*.pdf', ".pdf", "kê_khai___x____.pdf"),
        ("CON.pdf", ".pdf", "_CON.pdf"),
        ("lpt1", ".png", "_lpt1.png"),
        ("", ".pdf", "tai-lieu.pdf"),
        ("....", ".pdf", "tai-lieu.pdf"),
        ("/", ".pdf", "tai-lieu.pdf"),
        (".hidden", ".png", "hidden.png"),
        ("virus.pdf.exe", ".pdf", "virus.pdf.pdf"),
        ("Quyết định số 12.2025", ".pdf", "Quyết định số 12.2025.pdf"),
    ],
)
def test_sanitize_filename(name, extension, expected):
    assert sanitize_filename(name, extension=extension) == expected


def test_sanitize_filename_composes_decomposed_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Giấy tờ.pdf")
    assert sanitize_filename(decomposed, extension=".pdf") == "Giấy tờ.pdf"


def test_sanitize_filename_limits_long_names_without_breaking_letters():
    name = "Đơn đề nghị cấp giấy phép xây dựng " * 10 + ".pdf"
    assert len(name) > 300
    safe = sanitize_filename(name, extension=".pdf")
    assert len(safe.encode("utf-8")) <= checks.MAX_NAME_BYTES
    assert safe.startswith("Đơn đề nghị cấp giấy phép")
    assert safe.endswith(".pdf")
    assert not safe.endswith(" .pdf")
    safe.encode("utf-8").decode("utf-8")


@given(st.text(max_size=400), st.sampled_from([".pdf", ".jpg", ".png"]))
def test_sanitize_filename_is_always_safe(name, extension):
    safe = sanitize_filename(name, extension=extension)
    assert safe.endswith(extension)
    stem = safe[: -len(extension)]
    assert stem and stem.strip(" .") == stem
    assert len(safe.encode("utf-8")) <= checks.MAX_NAME_BYTES
    assert not any(ch in safe for ch in '/\\<>:"|?*')
    assert not any(unicodedata.category(ch).startswith("C") for ch in safe)
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert unicodedata.is_normalized("NFC", safe)


def test_size_limit_boundary():
    limit = 10 * 1024 * 1024
    checks.check_size(size=limit)
    with pytest.raises(DomainError) as info:
        checks.check_size(size=limit + 1)
    assert info.value.code == "file_too_large"
    assert "10 MB" in info.value.message


def test_thumbnail_follows_exif_rotation():
    image = Image.new("RGB", (640, 480), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    checked = check_upload(content=out.getvalue(), name="chup-doc.jpg")
    assert checked.thumbnail is not None
    with Image.open(io.BytesIO(checked.thumbnail)) as thumb:
        assert thumb.width < thumb.height


MAGICS = [b"", b"%PDF-1.7\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n"]


@given(st.sampled_from(MAGICS), st.binary(max_size=2000))
def test_any_bytes_give_a_result_or_a_domain_error(magic, tail):
    try:
        check_upload(content=magic + tail, name="x")
    except DomainError as error:
        assert error.code in {
            "empty_file",
            "unsupported_type",
            "corrupt_file",
            "image_too_large",
            "pdf_active_content",
            "pdf_encrypted",
        }


@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=4000))
def test_mangled_real_pdf_never_crashes_the_scanner(noise, cut):
    content = factories.handmade_pdf()
    mangled = content[:cut] + noise + content[cut:]
    with contextlib.suppress(DomainError):
        check_upload(content=mangled, name="x.pdf")
