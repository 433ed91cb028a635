from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from .history import history_for
from .models import ChangeRecord, Membership, User
from .permissions import Viewer


def membership_list(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "municipality", "organisation", "organisation__municipality"
    )


def change_history_for(*, viewer: Viewer, obj: Model) -> QuerySet[ChangeRecord]:
    """The history of a record, for those allowed to see who changed it."""
    if not viewer.has_perm("core.view_history", obj):
        raise PermissionDenied
    return history_for(obj)


def changes_by(*, user: User, limit: int = 20) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(actor=user).select_related("content_type")[:limit]
