"""Every change to the catalogue, by one name: ``from motcua.catalog import
services``. Each service is ``<entity>_<verb>(*, actor, …)``, runs in one
transaction and writes its :class:`CatalogAuditEvent` in that transaction.
Published versions (procedure, workflow, e-form) and configured-procedure
versions are never updated: a change makes a new row.

The code lives in modules by concern; this module re-exports their public
names (docs/developers/catalog.md has the map):

- :mod:`~motcua.catalog.procedures` — procedures, versions, the national import;
- :mod:`~motcua.catalog.workflow_templates` — workflow templates;
- :mod:`~motcua.catalog.eform_versions` — e-forms;
- :mod:`~motcua.catalog.configuration` — a procedure configured at an agency;
- :mod:`~motcua.catalog.standard_sets` — standard sets and their publication;
- :mod:`~motcua.catalog.synonyms` — search synonyms;
- :mod:`~motcua.catalog.changes` — the actor, the audit row, draft-only edits.
"""

from __future__ import annotations

from motcua.catalog.changes import Actor
from motcua.catalog.configuration import (
    ConfigurationInvalid,
    Settings,
    Statutory,
    configuration_settings,
    configured_procedure_configure,
)
from motcua.catalog.eform_versions import (
    EFORM_FIXTURES,
    EFormInvalid,
    eform_create,
    eform_publish,
    eforms_seed,
)
from motcua.catalog.procedures import (
    EDITABLE_VERSION_FIELDS,
    CatalogImportError,
    ImportReport,
    catalog_import,
    catalog_import_file,
    procedure_version_create,
    procedure_version_publish,
    procedure_version_update,
)
from motcua.catalog.standard_sets import (
    BATCH,
    LEVEL_AGENCY_KIND,
    PublishReport,
    standard_set_create,
    standard_set_item_add,
    standard_set_item_problems,
    standard_set_items_changed,
    standard_set_publish,
)
from motcua.catalog.synonyms import synonyms_load
from motcua.catalog.workflow_templates import (
    WorkflowInvalid,
    workflow_template_create,
    workflow_template_version_create,
    workflow_template_version_publish,
    workflow_template_version_update,
    workflow_templates_seed,
)

__all__ = [
    "BATCH",
    "EDITABLE_VERSION_FIELDS",
    "EFORM_FIXTURES",
    "LEVEL_AGENCY_KIND",
    "Actor",
    "CatalogImportError",
    "ConfigurationInvalid",
    "EFormInvalid",
    "ImportReport",
    "PublishReport",
    "Settings",
    "Statutory",
    "WorkflowInvalid",
    "catalog_import",
    "catalog_import_file",
    "configuration_settings",
    "configured_procedure_configure",
    "eform_create",
    "eform_publish",
    "eforms_seed",
    "procedure_version_create",
    "procedure_version_publish",
    "procedure_version_update",
    "standard_set_create",
    "standard_set_item_add",
    "standard_set_item_problems",
    "standard_set_items_changed",
    "standard_set_publish",
    "synonyms_load",
    "workflow_template_create",
    "workflow_template_version_create",
    "workflow_template_version_publish",
    "workflow_template_version_update",
    "workflow_templates_seed",
]
