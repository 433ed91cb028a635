"""Who may use the analysis pages that are not public.

The joint-project candidates (Kooperationspotenziale) are for the Smart City teams and platform admins: they
compare the published entries of the whole region, and the team of any municipality may see them (the entries are
public; the grouping is a working tool, not a publication).
"""

from __future__ import annotations

import rules

from smartstadt.core.permissions import Viewer, is_platform_admin, roles_of


@rules.predicate
def is_on_any_team(user: Viewer) -> bool:
    return bool(roles_of(user).team_municipalities)


# no obj: the page of joint-project candidates and its exports
rules.add_perm("analysis.view_cooperation", is_platform_admin | is_on_any_team)
