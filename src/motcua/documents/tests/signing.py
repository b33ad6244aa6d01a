"""Sign a PDF in a test with a throwaway key and self-issued certificate,
generated on the spot (nothing downloaded, nothing kept)."""

from __future__ import annotations

import datetime
import io
from concurrent.futures import ThreadPoolExecutor

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore


def throwaway_signer(common_name: str = "Nguyễn Hữu Phước") -> signers.SimpleSigner:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    signing_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signing_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return signers.SimpleSigner(
        signing_cert=signing_cert,
        signing_key=signing_key,
        cert_registry=SimpleCertificateStore.from_certs([signing_cert]),  # type: ignore[no-untyped-call]
    )


def sign_pdf(content: bytes, *, common_name: str = "Nguyễn Hữu Phước") -> bytes:
    # pyHanko runs its own event loop: in a thread of its own, so that it also
    # works in a test process where a browser test left a loop running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign_pdf, content, common_name).result()


def _sign_pdf(content: bytes, common_name: str) -> bytes:
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(content), strict=False),
        signers.PdfSignatureMetadata(field_name="ChuKy1"),
        signer=throwaway_signer(common_name),
        output=out,
    )
    return out.getvalue()


def append_after_signing(signed: bytes) -> bytes:
    """An incremental update no signature covers (what an edit after
    signing looks like)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    writer.root["/SuaSauKhiKy"] = generic.NameObject("/Co")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()
