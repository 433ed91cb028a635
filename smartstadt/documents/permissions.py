"""Who may render and download documents.

A document shows a strategy's working state or one of its frozen versions. The working state and everything of
an unpublished strategy are internal: only the municipality's Smart City team (and the platform admin) render
and download them — also a draft that the team circulates inside the administration. A frozen version that
the team made public — the adopted version of a published strategy, or the draft a published participation
process puts up for comment — is public: anybody may have it rendered and download it (the service then hands out
the rendering that exists instead of rendering again, so the public cannot keep the worker busy). Any other frozen
version, such as an "Entwurf 1" circulated inside the administration, is internal.
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


def is_public_version(version: Any) -> bool:
    """Whether the team made this frozen version public: the adopted version of a published strategy, or the
    draft that a published participation process puts up for comment. Other frozen versions ("Entwurf 1"
    circulated inside the administration) stay internal, even of a published strategy. Kept on the instance, as
    a page asks for the same version more than once."""
    cached = getattr(version, "_is_public", None)
    if cached is None:
        from smartstadt.participation.models import Process  # participation builds on documents, not the reverse
        from smartstadt.strategy.models import VersionKind

        cached = (version.kind == VersionKind.ADOPTED and bool(version.strategy.is_published)) or (
            Process.objects.published().filter(draft_version=version).exists()
        )
        version._is_public = cached
    return bool(cached)


@rules.predicate
def is_public_source(user: Viewer, obj: Any) -> bool:
    version = getattr(obj, "version", None)
    return getattr(obj, "strategy", None) is not None and version is not None and is_public_version(version)


responsible = is_platform_admin | is_team_of

rules.add_perm("documents.render_document", responsible | is_public_source)
rules.add_perm("documents.view_document", responsible | is_public_source)
rules.add_perm("documents.render_internal", responsible)
rules.add_perm("documents.render_report", responsible)
