from __future__ import annotations

import copy
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from motcua.catalog.models import VersionStatus, WorkflowTemplate, WorkflowTemplateVersion
from motcua.catalog.services import (
    WorkflowInvalid,
    workflow_template_create,
    workflow_template_version_create,
    workflow_template_version_publish,
    workflow_template_version_update,
)
from motcua.catalog.workflows import END, SEED_TEMPLATES, validate_definition
from motcua.core.errors import Conflict

pytestmark = pytest.mark.django_db

THREE = copy.deepcopy(SEED_TEMPLATES[1]["definition"])


def draft(definition: dict[str, Any], max_days: Decimal | None = None) -> WorkflowTemplateVersion:
    template = workflow_template_create(actor=None, key="thu", name="Thử")
    return workflow_template_version_create(
        actor=None, template=template, definition=definition, max_processing_days=max_days
    )


def test_seeded_templates_are_valid_and_published():
    out = io.StringIO()
    call_command("seed_workflows", stdout=out)
    call_command("seed_workflows", stdout=out)  # idempotent
    keys = set(WorkflowTemplate.objects.values_list("key", flat=True))
    assert keys == {"mot-buoc-cap-xa", "trong-ngay", "ba-buoc-cap-so", "lien-thong"}
    for template in WorkflowTemplate.objects.all():
        (version,) = template.versions.all()
        assert version.status == VersionStatus.PUBLISHED
    inter = WorkflowTemplate.objects.get(key="lien-thong").versions.get()
    assert any(s["holder"].startswith("agency:") for s in inter.definition["steps"])
    assert any(t["action"] == "consult" for t in inter.definition["transitions"])


def test_unreachable_end_cannot_publish():
    definition = copy.deepcopy(THREE)
    definition["transitions"] = [t for t in definition["transitions"] if t["to"] != END]
    version = draft(definition)
    with pytest.raises(WorkflowInvalid) as info:
        workflow_template_version_publish(actor=None, version=version)
    assert "Không có đường đi từ bước bắt đầu đến kết thúc" in info.value.message
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_dead_step_cannot_publish():
    definition = copy.deepcopy(THREE)
    definition["steps"].append(
        {
            "key": "luu",
            "name": "Lưu trữ",
            "role": "specialist",
            "holder": "processing",
            "budget_hours": 1,
        }
    )
    definition["transitions"].append({"from": "tham_dinh", "action": "forward", "to": "luu"})
    with pytest.raises(WorkflowInvalid, match=r"Lưu trữ.*bước cụt"):
        workflow_template_version_publish(actor=None, version=draft(definition))


def test_unreachable_step_is_reported():
    definition = copy.deepcopy(THREE)
    definition["steps"].append(
        {
            "key": "le",
            "name": "Bước lẻ",
            "role": "leader",
            "holder": "processing",
            "budget_hours": 1,
        }
    )
    definition["transitions"].append({"from": "le", "action": "return", "to": END})
    errors = validate_definition(definition)
    assert errors == ["Bước “Bước lẻ” không thể đến được từ bước bắt đầu."]


def test_over_budget_cannot_publish():
    version = draft(THREE, max_days=Decimal(2))  # 22 h > 16 h
    with pytest.raises(WorkflowInvalid, match=r"22 giờ.*16 giờ"):
        workflow_template_version_publish(actor=None, version=version)
    ok = workflow_template_version_update(actor=None, version=version, definition=THREE)
    ok.max_processing_days = Decimal(3)
    ok.save()
    assert workflow_template_version_publish(actor=None, version=ok).status == "published"


def test_shape_errors_are_vietnamese():
    errors = validate_definition(
        {
            "start": "x",
            "steps": [
                {"key": "a", "name": "A", "role": "king", "holder": "moon", "budget_hours": -1}
            ],
            "transitions": [{"from": "a", "action": "fly", "to": "zz"}],
        }
    )
    text = " ".join(errors)
    for fragment in (
        "vai trò",
        "đơn vị giữ hồ sơ",
        "không âm",
        "bước đích",
        "thao tác",
        "Bước bắt đầu",
    ):
        assert fragment in text


def test_published_workflow_is_immutable():
    version = draft(THREE)
    workflow_template_version_publish(actor=None, version=version)
    with pytest.raises(Conflict):
        workflow_template_version_update(actor=None, version=version, definition={})
