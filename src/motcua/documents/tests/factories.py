"""Real small files for the tests: images made with Pillow, PDFs made with
WeasyPrint or written by hand (for the malicious ones)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def png_bytes(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (64, 48), quality: int = 85) -> bytes:
    image = Image.radial_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def noisy_jpeg_bytes(target: int) -> bytes:
    """A JPEG of roughly ``target`` bytes (noise compresses badly)."""
    side = 256
    while True:
        image = Image.effect_noise((side, side), 120).convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=95)
        if out.tell() >= target:
            return out.getvalue()
        side = int(side * 1.4)


def png_with_header_size(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` (an image bomb: tiny
    file, huge decoded size)."""
    data = bytearray(png_bytes((1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def weasy_pdf(text: str = "Giấy khai sinh") -> bytes:
    import weasyprint  # type: ignore[import-untyped]

    html = f"<html lang='vi'><body><p>{text}</p></body></html>"
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def handmade_pdf(
    *, catalog_extra: bytes = b"", trailer_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()
) -> bytes:
    """A classic (PDF 1.4) one-page file with a correct xref table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 419.53 595.28] >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def objstm_pdf_with_javascript() -> bytes:
    """A PDF 1.5 file whose JavaScript action hides inside a compressed
    object stream, with an escaped name (``/J#61vaScript``)."""
    hidden = b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"
    header = b"5 0 "
    body = zlib.compress(header + hidden)
    stream = (
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(body))
        + body
        + b"\nendstream"
    )
    return handmade_pdf(catalog_extra=b"/OpenAction 5 0 R ", extra_objects=(stream,))
