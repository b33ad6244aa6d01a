"""pyHanko's verdict on result PDFs: none, signed (with the signer), broken."""

from __future__ import annotations

from motcua.documents.signatures import SignatureStatus, pdf_signature_check
from motcua.documents.tests.factories import handmade_pdf
from motcua.documents.tests.signing import append_after_signing, sign_pdf


def test_unsigned_pdf_has_no_signature() -> None:
    assert pdf_signature_check(content=handmade_pdf()).status == SignatureStatus.NONE


def test_signed_pdf_is_signed_by_its_signer() -> None:
    check = pdf_signature_check(content=sign_pdf(handmade_pdf(), common_name="Tô Thị Diễm"))
    assert check.status == SignatureStatus.SIGNED
    assert check.signer == "Tô Thị Diễm"


def test_changed_bytes_break_the_signature() -> None:
    signed = bytearray(sign_pdf(handmade_pdf()))
    at = signed.index(b"/MediaBox [0 0 419.53") + len(b"/MediaBox [0 0 4")
    signed[at : at + 1] = b"5"  # same length, different page size
    assert pdf_signature_check(content=bytes(signed)).status == SignatureStatus.BROKEN


def test_content_added_after_signing_breaks_it() -> None:
    changed = append_after_signing(sign_pdf(handmade_pdf()))
    assert pdf_signature_check(content=changed).status == SignatureStatus.BROKEN


def test_garbage_after_the_header_is_not_a_signature() -> None:
    assert pdf_signature_check(content=b"%PDF-1.4\nnot a pdf").status == SignatureStatus.NONE
