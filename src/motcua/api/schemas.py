"""Shared bases of the API's schemas."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """An input that accepts no other fields: an unknown field is a 422, and
    the OpenAPI document says so (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")
