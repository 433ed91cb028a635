"""Who may see, write, submit and publish inventory entries.

Editors maintain the entries their organisation leads; the Smart City team of the municipality reviews and
publishes. Nobody writes to another municipality's entries.
"""

from __future__ import annotations

from typing import Any

import rules

from smartstadt.core.permissions import Viewer, is_editor_of, is_platform_admin, is_team_of

from .models import PublicationState


@rules.predicate
def is_published(user: Viewer, entry: Any) -> bool:
    return entry is not None and entry.publication_state == PublicationState.PUBLISHED


@rules.predicate
def is_draft(user: Viewer, entry: Any) -> bool:
    return entry is not None and entry.publication_state == PublicationState.DRAFT


responsible = is_platform_admin | is_team_of | is_editor_of

rules.add_perm("inventory.view_entry", is_published | responsible)
# obj: the municipality (team) or the organisation (editor) the new entry belongs to
rules.add_perm("inventory.add_entry", is_platform_admin | is_team_of | is_editor_of)
rules.add_perm("inventory.change_entry", responsible)
rules.add_perm("inventory.submit_entry", responsible & is_draft)
rules.add_perm("inventory.publish_entry", is_platform_admin | is_team_of)
rules.add_perm("inventory.delete_entry", is_platform_admin | is_team_of)
# obj: an entry (or the municipality) whose duplicates are merged: the team that publishes its entries
rules.add_perm("inventory.merge_entries", is_platform_admin | is_team_of)
rules.add_perm("inventory.import_entries", is_platform_admin | is_team_of)
# obj: the municipality whose entries in every state go into a workspace export
rules.add_perm("inventory.export_entries", is_platform_admin | is_team_of)
