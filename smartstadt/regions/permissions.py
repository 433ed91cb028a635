"""Who may change municipalities, districts and organisations."""

from __future__ import annotations

import rules

from smartstadt.core.permissions import is_editor_of, is_platform_admin, is_team_of

rules.add_perm("regions.change_municipality", is_platform_admin | is_team_of)
rules.add_perm("regions.add_district", is_platform_admin | is_team_of)
rules.add_perm("regions.change_district", is_platform_admin | is_team_of)
rules.add_perm("regions.delete_district", is_platform_admin | is_team_of)
rules.add_perm("regions.add_organisation", is_platform_admin | is_team_of)
rules.add_perm("regions.change_organisation", is_platform_admin | is_team_of | is_editor_of)
rules.add_perm("regions.delete_organisation", is_platform_admin | is_team_of)
rules.add_perm("regions.add_region", is_platform_admin)
rules.add_perm("regions.add_municipality", is_platform_admin)
