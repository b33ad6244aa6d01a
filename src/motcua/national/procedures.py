"""Importing or refreshing procedures from the national portal
(``LayDanhSachTTHC`` then ``LayThuTuc`` per procedure) through the ONE
catalogue import (:func:`motcua.catalog.services.catalog_import`): the same
validation, versioning (a changed record gets a new version, an unchanged one
is left) and audit as a file import; all-or-nothing."""

from __future__ import annotations

from typing import Any

from motcua.catalog import services as catalog_services
from motcua.catalog.procedures import ImportReport
from motcua.core.errors import DomainError
from motcua.integrations.national_portal.client import NationalPortal, PortalError
from motcua.national import gateway


def national_procedures_sync(
    *, codes: list[str] | None = None, client: NationalPortal | None = None, publish: bool = True
) -> ImportReport:
    """Fetch the procedures (all, or ``codes``) and import them."""
    client = client or gateway.portal()
    try:
        wanted = codes or [str(p["MaTTHC"]) for p in client.procedures() if p.get("MaTTHC")]
        records: list[dict[str, Any]] = [client.procedure(code) for code in wanted]
    except PortalError as error:
        raise DomainError(f"Không lấy được thủ tục từ Cổng quốc gia: {error}") from error
    payload = {"schema_version": 1, "procedures": records}
    return catalog_services.catalog_import(actor=None, payload=payload, publish=publish)
