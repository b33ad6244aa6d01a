"""Digital signatures in PDF files (pyHanko): is a result file signed, is
the signature intact, and who signed it.

What is checked: the file carries at least one PDF signature whose
cryptographic integrity holds (the signed bytes are unchanged) and which
covers the whole file (nothing added after signing). Whether the signer's
certificate chains to the national root CA is not decided here: the
province configures its trust roots in the signing tool it issues to
leaders; see docs/developers/decisions/0022-signed-results-pyhanko.md."""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

logger = logging.getLogger(__name__)


class SignatureStatus(StrEnum):
    SIGNED = "signed"  # at least one signature, every one intact and covering the file
    NONE = "none"  # no signature at all
    BROKEN = "broken"  # a signature whose bytes were changed, or content added after it


@dataclass(frozen=True)
class SignatureCheck:
    status: SignatureStatus
    signer: str = ""  # the signer's common name (first signature)


def _common_name(signature: object) -> str:
    cert = getattr(signature, "signer_cert", None)
    if cert is None:
        return ""
    try:
        return str(cert.subject.native.get("common_name", "")) or cert.subject.human_friendly
    except (AttributeError, ValueError):
        return ""


def pdf_signature_check(*, content: bytes) -> SignatureCheck:
    """The signature state of the PDF ``content`` (already checked to be a
    PDF by the upload checks).

    pyHanko's synchronous validation runs its own event loop
    (``asyncio.run``), which cannot start inside a running one (an ASGI
    server, or a thread that already drives a loop): there it runs in a
    thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _signature_check(content)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_signature_check, content).result()


def _signature_check(content: bytes) -> SignatureCheck:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("PDF signature scan failed: %s", exc)
        return SignatureCheck(SignatureStatus.NONE)
    if not signatures:
        return SignatureCheck(SignatureStatus.NONE)
    coverage = None
    for signature in signatures:
        try:
            # Integrity only: no trust roots (see the module docstring).
            context = ValidationContext(trust_roots=[], allow_fetching=False)
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
            logger.info("PDF signature invalid: %s", exc)
            return SignatureCheck(SignatureStatus.BROKEN)
        if not (status.intact and status.valid):
            return SignatureCheck(SignatureStatus.BROKEN)
        coverage = status.coverage
    if coverage != SignatureCoverageLevel.ENTIRE_FILE:
        # Content was appended after the last signature: no signature
        # covers what the reader would see.
        return SignatureCheck(SignatureStatus.BROKEN)
    return SignatureCheck(SignatureStatus.SIGNED, signer=_common_name(signatures[0]))
