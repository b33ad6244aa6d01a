"""Checks run on every uploaded file before it is stored.

Pure functions: they take bytes and a name, and either return what they
found or raise :class:`~motcua.core.errors.DomainError` with a message in
plain Vietnamese (shown to the citizen as is) and a stable machine code
(for the API and the statistics). The type of a file is decided by its
content, never by its name or the browser's declared content type.

Accepted: PDF, JPEG, PNG. Limits (``MOTCUA_UPLOAD_MAX_BYTES``,
``MOTCUA_UPLOAD_MAX_PIXELS`` in settings) can be overridden per call.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import io
import re
import threading
import unicodedata
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from motcua.core.errors import DomainError

#: Default limit per file: 10 MB.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Default limit on decoded image size (an image bomb is a small file that
#: decodes to gigabytes): 50 megapixels.
DEFAULT_MAX_PIXELS = 50_000_000
#: Longest sanitised file name, in UTF-8 bytes, extension included (most
#: file systems allow 255).
MAX_NAME_BYTES = 150
#: Longest side of a thumbnail, in pixels.
THUMBNAIL_SIZE = 320
#: Decompressed bytes the PDF scanner reads at most (zip-bomb guard).
PDF_MAX_INFLATED_BYTES = 64 * 1024 * 1024

# Machine codes (stable: the API, the portal and the statistics use them).
EMPTY_FILE = "empty_file"
FILE_TOO_LARGE = "file_too_large"
UNSUPPORTED_TYPE = "unsupported_type"
CORRUPT_FILE = "corrupt_file"
IMAGE_TOO_LARGE = "image_too_large"
PDF_ACTIVE_CONTENT = "pdf_active_content"
PDF_ENCRYPTED = "pdf_encrypted"


class FileKind(enum.Enum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]

    @property
    def is_image(self) -> bool:
        return self is not FileKind.PDF


_CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
}
_EXTENSIONS = {FileKind.PDF: ".pdf", FileKind.JPEG: ".jpg", FileKind.PNG: ".png"}
#: Pillow format names accepted for each kind (phones write multi-picture
#: JPEGs, which Pillow reports as MPO).
_PIL_FORMATS = {FileKind.JPEG: {"JPEG", "MPO"}, FileKind.PNG: {"PNG"}}


@dataclass(frozen=True)
class CheckedFile:
    """What the checks learnt about an accepted file."""

    kind: FileKind
    original_name: str
    name: str  # sanitised, with the extension of ``kind``
    size: int
    sha256: str
    width: int | None = None  # images only
    height: int | None = None
    page_count: int | None = None  # PDFs only (as counted by the scanner)
    thumbnail: bytes | None = None  # JPEG, images only

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_upload_pixels() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "") + " MB"


# --------------------------------------------------------------------------
# Size and type


def check_size(*, size: int, max_bytes: int | None = None) -> None:
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if size <= 0:
        raise DomainError(
            "Tệp tải lên bị rỗng (0 byte). Vui lòng chọn lại tệp hoặc chụp lại giấy tờ.",
            code=EMPTY_FILE,
        )
    if size > limit:
        raise DomainError(
            f"Tệp quá lớn ({_megabytes(size)}). Dung lượng tối đa cho mỗi tệp là "
            f"{_megabytes(limit)}; hãy chụp lại với độ phân giải thấp hơn hoặc nén tệp PDF.",
            code=FILE_TOO_LARGE,
        )


def detect_kind(content: bytes) -> FileKind:
    """The kind of ``content``, decided by its first bytes."""
    if content.startswith(b"%PDF-"):
        return FileKind.PDF
    if content.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    raise DomainError(
        "Định dạng tệp không được chấp nhận. Chỉ nhận tệp PDF hoặc ảnh JPEG, PNG "
        "(ảnh HEIC của iPhone: hãy chọn định dạng JPEG khi chia sẻ).",
        code=UNSUPPORTED_TYPE,
    )


# --------------------------------------------------------------------------
# Images


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int


def _corrupt_image() -> DomainError:
    return DomainError(
        "Ảnh bị hỏng hoặc tải lên chưa hết, không mở được. Vui lòng chụp hoặc chọn lại ảnh.",
        code=CORRUPT_FILE,
    )


_STRICT_DECODE = threading.Lock()


@contextlib.contextmanager
def _strict_decoding() -> Iterator[None]:
    """Make Pillow fail on truncated data. WeasyPrint sets Pillow's global
    ``LOAD_TRUNCATED_IMAGES`` to True on import, which would let half a
    photo through; we switch it off for the duration of a check."""
    with _STRICT_DECODE:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def check_image(content: bytes, *, kind: FileKind, max_pixels: int | None = None) -> ImageInfo:
    """Parse the image completely: header, size limit, ``verify()``, then a
    full decode (which catches a truncated JPEG that ``verify()`` lets by)."""
    limit = max_upload_pixels() if max_pixels is None else max_pixels
    try:
        with warnings.catch_warnings(), _strict_decoding():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                if probe.format not in _PIL_FORMATS[kind]:
                    raise DomainError(
                        "Nội dung tệp không khớp với định dạng ảnh. Vui lòng chọn lại ảnh.",
                        code=UNSUPPORTED_TYPE,
                    )
                width, height = probe.size
                if width <= 0 or height <= 0:
                    raise _corrupt_image()
                if width * height > limit:
                    raise DomainError(
                        f"Ảnh quá lớn ({width}×{height} điểm ảnh). Hãy chụp lại với độ phân "
                        f"giải thấp hơn (tối đa {limit / 1_000_000:g} megapixel).",
                        code=IMAGE_TOO_LARGE,
                    )
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(
            "Ảnh quá lớn để xử lý. Hãy chụp lại với độ phân giải thấp hơn.",
            code=IMAGE_TOO_LARGE,
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _corrupt_image() from exc
    return ImageInfo(width=width, height=height)


def make_thumbnail(content: bytes, *, max_side: int = THUMBNAIL_SIZE) -> bytes:
    """A small JPEG of an (already checked) image, turned upright from its
    EXIF orientation, transparency flattened onto white."""
    with Image.open(io.BytesIO(content)) as source:
        source.draft("RGB", (max_side, max_side))  # fast JPEG downscale on decode
        image = ImageOps.exif_transpose(source)
        if image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        ):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        else:
            image = image.convert("RGB")
        image.thumbnail((max_side, max_side))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80, optimize=True)
        return out.getvalue()


# --------------------------------------------------------------------------
# PDF

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_OBJ_START = re.compile(rb"\d+\s+\d+\s+obj\b")
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm(?![A-Za-z])")
#: Names that start scripts or programs when the document is opened.
_ACTIVE_NAMES = frozenset({b"/JS", b"/JavaScript", b"/Launch"})


@dataclass(frozen=True)
class PdfInfo:
    page_count: int


def _corrupt_pdf() -> DomainError:
    return DomainError(
        "Tệp PDF bị hỏng hoặc tải lên chưa hết, không mở được. "
        "Vui lòng xuất lại tệp PDF hoặc quét lại giấy tờ.",
        code=CORRUPT_FILE,
    )


def _pdf_dictionaries(content: bytes) -> bytes:
    """The PDF's objects without stream bodies (content, images, fonts),
    plus the inflated bodies of object streams, where PDF 1.5+ files keep
    most dictionaries. Scanning this, and not the raw file, finds every
    dictionary key without tripping over random bytes in compressed data."""
    parts: list[bytes] = []
    inflated_total = 0
    pos = 0
    while True:
        match = _STREAM.search(content, pos)
        if match is None:
            parts.append(content[pos:])
            break
        head_start = max(
            (
                m.start()
                for m in _OBJ_START.finditer(content, max(pos, match.start() - 4096), match.start())
            ),
            default=max(pos, match.start() - 4096),
        )
        head = content[head_start : match.start()]
        parts.append(content[pos : match.start()])
        body_start = match.end()
        body_end = -1
        length = _LENGTH.search(head)
        if length is not None:
            candidate = body_start + int(length.group(1))
            if content[candidate : candidate + 20].lstrip().startswith(b"endstream"):
                body_end = candidate
        if body_end < 0:
            body_end = content.find(b"endstream", body_start)
            if body_end < 0:
                raise _corrupt_pdf()
        if _OBJSTM.search(head):
            if b"/FlateDecode" not in head:
                raise _corrupt_pdf()
            inflater = zlib.decompressobj()
            try:
                body = inflater.decompress(
                    content[body_start:body_end], PDF_MAX_INFLATED_BYTES - inflated_total
                )
            except zlib.error as exc:
                raise _corrupt_pdf() from exc
            inflated_total += len(body)
            if inflater.unconsumed_tail or inflated_total >= PDF_MAX_INFLATED_BYTES:
                raise DomainError(
                    "Tệp PDF quá phức tạp để kiểm tra. Vui lòng xuất lại tệp PDF.",
                    code=CORRUPT_FILE,
                )
            parts.append(b"\n" + body + b"\n")
        pos = body_end
    return b"".join(parts)


def _decode_name(name: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


def check_pdf(content: bytes) -> PdfInfo:
    """Structure and safety of a PDF, without a PDF library: header, an
    ``%%EOF`` trailer after a ``startxref`` near the end, at least one page;
    no encryption, no JavaScript or launch actions (names are compared after
    decoding ``#xx`` escapes, so ``/J#61vaScript`` is caught)."""
    if not _PDF_HEADER.match(content):
        raise _corrupt_pdf()
    tail = content[-2048:]
    if _STARTXREF.search(tail) is None:
        raise _corrupt_pdf()
    dictionaries = _pdf_dictionaries(content)
    names = {_decode_name(m.group()) for m in _NAME.finditer(dictionaries)}
    if b"/Encrypt" in names:
        raise DomainError(
            "Tệp PDF đang đặt mật khẩu hoặc mã hóa. Vui lòng gỡ mật khẩu rồi tải lên lại.",
            code=PDF_ENCRYPTED,
        )
    if names & _ACTIVE_NAMES:
        raise DomainError(
            "Tệp PDF có chứa mã lệnh (JavaScript hoặc lệnh chạy chương trình) nên không "
            "được chấp nhận. Vui lòng in lại ra PDF hoặc quét lại giấy tờ.",
            code=PDF_ACTIVE_CONTENT,
        )
    decoded = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), dictionaries)
    page_count = len(_PAGE.findall(decoded))
    if page_count == 0:
        raise _corrupt_pdf()
    return PdfInfo(page_count=page_count)


# --------------------------------------------------------------------------
# Names

_UNSAFE_CHARS = re.compile(r'[<>:"|?*\\/]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,7}")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
)
DEFAULT_STEM = "tai-lieu"


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def sanitize_filename(name: str, *, extension: str) -> str:
    """A safe display and download name: Vietnamese letters kept (in NFC),
    folders, control and reserved characters dropped, Windows device names
    defused, length capped, and the extension replaced by ``extension``
    (that of the detected type, e.g. ``".pdf"``)."""
    text = unicodedata.normalize("NFC", name)
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if unicodedata.category(ch) in ("Zl", "Zp") or ch in "\t\n\r" else ch
        for ch in text
        if not unicodedata.category(ch).startswith("C") or ch in "\t\n\r"
    )
    text = _UNSAFE_CHARS.sub("_", text)
    text = _SPACES.sub(" ", text).strip(" .")
    stem, dot, old_ext = text.rpartition(".")
    if not dot or not stem or not _EXTENSION.fullmatch(old_ext):
        stem = text
    stem = stem.strip(" .")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(extension.encode())).rstrip(" .")
    return (stem or DEFAULT_STEM) + extension.lower()


def printable_name(name: str, *, max_length: int = 500) -> str:
    """``name`` as typed, minus control characters (PostgreSQL refuses NUL
    in text), for the record of what the user sent."""
    text = unicodedata.normalize("NFC", name)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))[:max_length]


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --------------------------------------------------------------------------
# All together


def check_upload(
    *,
    content: bytes,
    name: str,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> CheckedFile:
    """Run every check on an uploaded file; raise :class:`DomainError` on
    the first failure, else describe the file (with a thumbnail for images)."""
    check_size(size=len(content), max_bytes=max_bytes)
    kind = detect_kind(content)
    safe_name = sanitize_filename(name, extension=kind.extension)
    digest = sha256_hex(content)
    if kind is FileKind.PDF:
        info = check_pdf(content)
        return CheckedFile(
            kind=kind,
            original_name=printable_name(name),
            name=safe_name,
            size=len(content),
            sha256=digest,
            page_count=info.page_count,
        )
    image = check_image(content, kind=kind, max_pixels=max_pixels)
    return CheckedFile(
        kind=kind,
        original_name=printable_name(name),
        name=safe_name,
        size=len(content),
        sha256=digest,
        width=image.width,
        height=image.height,
        thumbnail=make_thumbnail(content),
    )
