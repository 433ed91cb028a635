"""Reference frameworks belong to the platform; a municipality's own topic fields belong to its team."""

from __future__ import annotations

from typing import Any

import rules

from smartstadt.core.permissions import Viewer, is_platform_admin, is_team_of, municipality_id_of


@rules.predicate
def is_municipal_framework(user: Viewer, obj: Any) -> bool:
    return obj is not None and municipality_id_of(obj) is not None


can_edit_framework = is_platform_admin | (is_municipal_framework & is_team_of)

rules.add_perm("frameworks.add_framework", is_platform_admin | is_team_of)
rules.add_perm("frameworks.change_framework", can_edit_framework)
rules.add_perm("frameworks.delete_framework", can_edit_framework)
rules.add_perm("frameworks.change_term", can_edit_framework)
