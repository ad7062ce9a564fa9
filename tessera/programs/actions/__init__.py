"""Every write to the module library and programmes, one module per concept (``media``,
``modules``, ``programmes``; ``versions`` is what modules and programmes share).

Drafts are edited; published versions are immutable, and changing one starts a new
draft that copies it. Modules and programmes are versioned alike, by one implementation
(``_Versioned``: lock a draft, change it, publish it, start a new draft). Each action is
atomic and leaves an audit row (purpose "administration": there is no patient data
here). Views, the package importer, the demo and tests call these; nothing else saves
these models.

The public functions are re-exported here: ``from tessera.programs import actions``.
"""

from ..content_rules import sniff_media_type, step_problems, validate_fields
from .common import MODULE_FIELDS, PROGRAMME_FIELDS, STEP_FIELDS, PublishedVersionError
from .media import do_store_media
from .modules import (
    do_add_step,
    do_create_module,
    do_delete_step,
    do_move_step,
    do_new_module_draft,
    do_publish_module,
    do_update_module_draft,
    do_update_step,
    module_draft_digest,
    step_order_digest,
)
from .programmes import (
    do_create_programme,
    do_new_programme_draft,
    do_publish_programme,
    do_set_programme_modules,
    do_update_programme_draft,
    programme_draft_digest,
    programme_modules_digest,
)
from .translations import (
    do_create_module_translation,
    do_link_module_translation,
    do_set_programme_translation,
)

__all__ = [
    "MODULE_FIELDS",
    "PROGRAMME_FIELDS",
    "STEP_FIELDS",
    "PublishedVersionError",
    "do_add_step",
    "do_create_module",
    "do_create_module_translation",
    "do_create_programme",
    "do_delete_step",
    "do_link_module_translation",
    "do_move_step",
    "step_order_digest",
    "module_draft_digest",
    "programme_draft_digest",
    "programme_modules_digest",
    "do_new_module_draft",
    "do_new_programme_draft",
    "do_publish_module",
    "do_publish_programme",
    "do_set_programme_translation",
    "do_set_programme_modules",
    "do_store_media",
    "do_update_module_draft",
    "do_update_programme_draft",
    "do_update_step",
    "sniff_media_type",
    "step_problems",
    "validate_fields",
]
