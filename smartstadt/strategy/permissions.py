"""Who may read and write strategies.

The Smart City team of the strategy's municipality edits it (vision, elements, versions, publication); the
platform admin may, too. Everybody reads a published strategy; the members of the municipality (team, moderators,
experts, editors of its organisations) also read the working state, as they take part in preparing it.
Every rule takes the strategy, or any of its parts (they name their municipality).
"""

from __future__ import annotations

from typing import Any

import rules

from smartstadt.core.permissions import Viewer, is_member_of, is_platform_admin, is_team_of


def _strategy_of(obj: Any) -> Any:
    if obj is None:
        return None
    if getattr(obj, "_meta", None) is not None and obj._meta.label == "strategy.Strategy":
        return obj
    return getattr(obj, "strategy", None)


@rules.predicate
def is_published(user: Viewer, obj: Any) -> bool:
    strategy = _strategy_of(obj)
    return strategy is not None and bool(strategy.is_published)


responsible = is_platform_admin | is_team_of

rules.add_perm("strategy.view_strategy", is_published | responsible | is_member_of)
rules.add_perm("strategy.view_working_state", responsible | is_member_of)
# obj: the municipality that gets a strategy
rules.add_perm("strategy.add_strategy", responsible)
rules.add_perm("strategy.change_strategy", responsible)
rules.add_perm("strategy.publish_strategy", responsible)
rules.add_perm("strategy.freeze_version", responsible)
