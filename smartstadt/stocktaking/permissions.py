"""Who runs stocktaking campaigns: the Smart City team of the campaign's municipality and platform admins.

Nobody else, not editors, moderators, experts or the team of another municipality. Invitees have no account;
their personal link is checked in ``selectors.get_invitation_by_token``, not here.
"""

from __future__ import annotations

import rules

from smartstadt.core.permissions import Viewer, is_platform_admin, is_team_of, roles_of


@rules.predicate
def is_on_any_team(user: Viewer) -> bool:
    return bool(roles_of(user).team_municipalities)


# obj: the municipality of the new campaign
rules.add_perm("stocktaking.add_campaign", is_platform_admin | is_team_of)
# obj: a campaign or an invitation (both know their municipality)
rules.add_perm("stocktaking.view_campaign", is_platform_admin | is_team_of)
rules.add_perm("stocktaking.manage_campaign", is_platform_admin | is_team_of)
# no obj: the campaign list
rules.add_perm("stocktaking.list_campaigns", is_platform_admin | is_on_any_team)
