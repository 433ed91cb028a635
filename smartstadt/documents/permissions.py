"""Who may render and download documents.

A document shows a strategy's working state or one of its frozen versions. The working state and everything of
an unpublished strategy are internal: only the municipality's Smart City team (and the platform admin) render
and download them — also a draft that the team circulates inside the administration. A frozen version of a
published strategy is public, as the strategy itself: anybody may have it rendered and download it (the service
then hands out the rendering that exists instead of rendering again, so the public cannot keep the worker busy).
Every rule takes a ``Source`` or a ``RenderedDocument`` (both name their strategy, version and municipality).

A participation report (kind "participation") is internal, as the team's report page: the team of the process's
municipality and the platform admin render it (``documents.render_report``, on the process) and download it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from smartstadt.core.permissions import Viewer, is_platform_admin, is_team_of


@dataclass(frozen=True)
class Source:
    """What a document is rendered from: a strategy's working state (``version`` None) or a frozen version."""

    strategy: Any
    version: Any = None

    @property
    def municipality_id(self) -> int:
        return int(self.strategy.municipality_id)


@rules.predicate
def is_public_source(user: Viewer, obj: Any) -> bool:
    strategy = getattr(obj, "strategy", None)
    return strategy is not None and bool(strategy.is_published) and getattr(obj, "version", None) is not None


responsible = is_platform_admin | is_team_of

rules.add_perm("documents.render_document", responsible | is_public_source)
rules.add_perm("documents.view_document", responsible | is_public_source)
rules.add_perm("documents.render_internal", responsible)
rules.add_perm("documents.render_report", responsible)
