"""The shared strict input base: every input built on it refuses unknown
fields, in the OpenAPI document and at run time, and no app keeps a copy
of its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from motcua.api.schemas import StrictIn

PACKAGE = Path(__file__).resolve().parents[2]
STRICT_INPUTS = {
    "PostalRequestIn",
    "OrderIn",
    "RatingIn",
    "AnswerIn",
    "AboutAgency",
    "AboutDossier",
    "AboutProcedure",
}


def _subclasses(cls: type[StrictIn]) -> set[type[StrictIn]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_the_strict_inputs_are_built_on_the_shared_base() -> None:
    import motcua.delivery.api
    import motcua.feedback.api  # noqa: F401  (the routers define the inputs)

    names = {c.__name__ for c in _subclasses(StrictIn)}
    assert names >= STRICT_INPUTS
    for cls in _subclasses(StrictIn):
        assert cls.model_json_schema().get("additionalProperties") is False, cls


def test_the_openapi_document_says_no_extra_fields() -> None:
    from django.conf import settings

    document = settings.REPO_DIR / "docs" / "api" / "openapi.json"
    schemas = json.loads(document.read_text(encoding="utf-8"))["components"]["schemas"]
    for name in STRICT_INPUTS:
        assert schemas[name].get("additionalProperties") is False, name


def test_no_app_keeps_its_own_copy_of_the_base() -> None:
    copies = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if re.search(r'model_config = ConfigDict\(extra="forbid"\)', path.read_text("utf-8"))
    ]
    assert copies == ["api/schemas.py"]


def test_an_extra_field_in_an_answer_is_refused() -> None:
    from motcua.feedback.api import AnswerIn

    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        AnswerIn.model_validate({"answer": "Đã xử lý", "signed_by": "x"})
