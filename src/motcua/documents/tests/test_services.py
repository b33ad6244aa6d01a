from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image

from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.documents import selectors, services
from motcua.documents.models import CitizenDocument, DocumentSource, StoredFile
from motcua.documents.tests import factories
from motcua.testing import make_citizen


@pytest.fixture
def media_root(fast_documents_tests: Path) -> Path:
    return fast_documents_tests


def stored_paths(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_stores_an_image_with_thumbnail(personas, media_root):
    content = factories.png_bytes((800, 600))
    stored = services.stored_file_create(
        actor=personas.citizen, content=content, name="../Ảnh CCCD mặt trước.PNG"
    )
    stored.refresh_from_db()
    assert stored.name == "Ảnh CCCD mặt trước.png"
    assert stored.original_name == "../Ảnh CCCD mặt trước.PNG"
    assert stored.content_type == "image/png"
    assert stored.size == len(content)
    assert (stored.width, stored.height) == (800, 600)
    assert stored.uploaded_by == personas.citizen
    assert stored.is_image
    # On disk under yyyy/mm/, named by the public id, never by the user's name.
    year_month = stored.created_at.astimezone(datetime.UTC).strftime("%Y/")
    assert stored.file.name.startswith(year_month)
    assert stored.file.name.endswith(f"/{stored.public_id.hex}.png")
    with stored.file.open("rb") as fh:
        assert fh.read() == content
    with stored.thumbnail.open("rb") as fh, Image.open(io.BytesIO(fh.read())) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 320
    assert stored.thumbnail_url.endswith(".thumb.jpg")
    assert len(stored_paths(media_root)) == 2


@pytest.mark.django_db
def test_stores_an_uploaded_pdf(personas):
    upload = SimpleUploadedFile(
        "Giấy khai sinh (bản sao).PDF", factories.weasy_pdf(), content_type="text/html"
    )
    stored = services.stored_file_create(actor=personas.officer, uploaded=upload)
    assert stored.name == "Giấy khai sinh (bản sao).pdf"
    assert stored.content_type == "application/pdf"  # decided by content, not the browser
    assert not stored.thumbnail
    assert stored.thumbnail_url.endswith("documents/pdf-icon.svg")
    assert selectors.stored_file_get(public_id=stored.public_id) == stored


@pytest.mark.django_db
def test_control_characters_never_reach_the_database(personas):
    stored = services.stored_file_create(
        actor=personas.citizen, content=factories.png_bytes(), name="ả\x00nh\x1b.png"
    )
    stored.refresh_from_db()
    assert stored.original_name == "ảnh.png"
    assert stored.name == "ảnh.png"


@pytest.mark.django_db
def test_same_content_twice_gives_two_files(personas, media_root):
    content = factories.jpeg_bytes()
    first = services.stored_file_create(actor=personas.citizen, content=content, name="a.jpg")
    second = services.stored_file_create(actor=personas.officer, content=content, name="b.jpg")
    assert first.pk != second.pk
    assert first.sha256 == second.sha256
    assert first.file.name != second.file.name
    assert (first.uploaded_by, second.uploaded_by) == (personas.citizen, personas.officer)
    assert len(stored_paths(media_root)) == 4  # two files, two thumbnails
    other = services.stored_file_create(
        actor=None, content=factories.jpeg_bytes((65, 48)), name="c.jpg"
    )
    assert other.sha256 != first.sha256


@pytest.mark.django_db
def test_rejected_file_stores_nothing(personas, media_root):
    with pytest.raises(DomainError) as info:
        services.stored_file_create(
            actor=personas.citizen, content=b"<html></html>", name="anh.png"
        )
    assert info.value.code == "unsupported_type"
    assert StoredFile.objects.count() == 0
    assert stored_paths(media_root) == []


@pytest.mark.django_db
def test_no_orphan_file_when_the_row_cannot_be_written(personas, media_root, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(StoredFile.objects, "create", fail)
    with pytest.raises(DatabaseError):
        services.stored_file_create(
            actor=personas.citizen, content=factories.png_bytes(), name="a.png"
        )
    assert stored_paths(media_root) == []


@pytest.mark.django_db
def test_declared_oversize_upload_is_refused_before_reading(personas):
    upload = SimpleUploadedFile("a.png", factories.png_bytes())
    upload.size = 50 * 1024 * 1024

    def no_reading(*args, **kwargs):
        raise AssertionError("the upload was read")

    upload.chunks = no_reading  # type: ignore[method-assign]
    with pytest.raises(DomainError) as info:
        services.stored_file_create(actor=personas.citizen, uploaded=upload)
    assert info.value.code == "file_too_large"


@pytest.mark.django_db
def test_upload_larger_than_declared_is_refused(personas):
    content = factories.png_bytes((300, 300))
    upload = SimpleUploadedFile("a.png", content)
    upload.size = 10  # lies
    with pytest.raises(DomainError) as info:
        services.stored_file_create(
            actor=personas.citizen, uploaded=upload, max_bytes=len(content) - 1
        )
    assert info.value.code == "file_too_large"


def test_needs_exactly_one_source():
    with pytest.raises(TypeError):
        services.stored_file_create(actor=None)


@pytest.mark.django_db
def test_stored_file_get_unknown():
    with pytest.raises(NotFound):
        selectors.stored_file_get(public_id="not-a-uuid")


# -- citizen document store ---------------------------------------------------


@pytest.mark.django_db
def test_citizen_adds_own_upload(personas):
    citizen = personas.citizen
    stored = services.stored_file_create(
        actor=citizen, content=factories.jpeg_bytes(), name="cccd.jpg"
    )
    doc = services.citizen_document_add(
        actor=citizen,
        owner=citizen.applicant,
        stored_file=stored,
        kind="can_cuoc",
        name="  Căn cước   công dân ",
        issued_on=datetime.date(2021, 5, 1),
        valid_until=datetime.date(2036, 5, 1),
    )
    assert doc.name == "Căn cước công dân"
    assert doc.source == DocumentSource.UPLOAD
    assert list(selectors.citizen_document_list(owner=citizen.applicant)) == [doc]


@pytest.mark.django_db
def test_citizen_cannot_fill_someone_elses_store(personas):
    other = make_citizen("congdan2", "086190000124")
    stored = services.stored_file_create(actor=other, content=factories.jpeg_bytes(), name="a.jpg")
    with pytest.raises(PermissionDenied):
        services.citizen_document_add(
            actor=other,
            owner=personas.citizen.applicant,
            stored_file=stored,
            kind="x",
            name="x",
        )


@pytest.mark.django_db
def test_citizen_cannot_file_a_file_someone_else_uploaded(personas):
    stored = services.stored_file_create(
        actor=personas.officer, content=factories.jpeg_bytes(), name="a.jpg"
    )
    with pytest.raises(PermissionDenied):
        services.citizen_document_add(
            actor=personas.citizen,
            owner=personas.citizen.applicant,
            stored_file=stored,
            kind="x",
            name="x",
        )


@pytest.mark.django_db
def test_only_staff_or_system_add_results(personas):
    stored = services.stored_file_create(
        actor=personas.officer, content=factories.weasy_pdf(), name="kq.pdf"
    )
    applicant = personas.citizen.applicant
    with pytest.raises(PermissionDenied):
        services.citizen_document_add(
            actor=personas.citizen,
            owner=applicant,
            stored_file=stored,
            kind="giay_khai_sinh",
            name="Giấy khai sinh",
            source=DocumentSource.RESULT,
        )
    for actor in (personas.officer, None):
        doc = services.citizen_document_add(
            actor=actor,
            owner=applicant,
            stored_file=stored,
            kind="giay_khai_sinh",
            name="Giấy khai sinh",
            source=DocumentSource.RESULT,
        )
        assert doc.source == "result"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": " "}, "missing_kind"),
        ({"name": ""}, "missing_name"),
        ({"source": "scan"}, "invalid_source"),
        (
            {"issued_on": datetime.date(2025, 1, 2), "valid_until": datetime.date(2025, 1, 1)},
            "invalid_validity",
        ),
    ],
)
def test_citizen_document_validation(personas, kwargs, code):
    stored = services.stored_file_create(
        actor=personas.citizen, content=factories.png_bytes(), name="a.png"
    )
    args = {"kind": "x", "name": "Giấy tờ"} | kwargs
    with pytest.raises(DomainError) as info:
        services.citizen_document_add(
            actor=personas.citizen, owner=personas.citizen.applicant, stored_file=stored, **args
        )
    assert info.value.code == code
    assert CitizenDocument.objects.count() == 0


@pytest.mark.django_db
def test_list_valid_documents(personas):
    applicant = personas.citizen.applicant
    stored = services.stored_file_create(
        actor=personas.citizen, content=factories.png_bytes(), name="a.png"
    )

    def add(kind: str, valid_until: datetime.date | None) -> CitizenDocument:
        return services.citizen_document_add(
            actor=personas.citizen,
            owner=applicant,
            stored_file=stored,
            kind=kind,
            name=kind,
            valid_until=valid_until,
        )

    expired = add("cccd", datetime.date(2024, 12, 31))
    valid = add("cccd", datetime.date(2030, 1, 1))
    forever = add("khai_sinh", None)
    day = datetime.date(2025, 6, 1)
    assert set(selectors.citizen_document_list(owner=applicant, valid_on=day)) == {valid, forever}
    assert set(selectors.citizen_document_list(owner=applicant, kind="cccd")) == {expired, valid}
    assert default_storage.exists(stored.file.name)
