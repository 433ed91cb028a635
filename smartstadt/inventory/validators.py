"""Validation of the list fields of an entry (links, funding sources), with German messages naming the item."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

MAX_ITEMS = 30


def validate_links(value: Any) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise ValidationError(_("Links must be a list."))
    if len(value) > MAX_ITEMS:
        raise ValidationError(_("At most %(n)s links.") % {"n": MAX_ITEMS})
    check_url = URLValidator(schemes=["http", "https"])
    for number, link in enumerate(value, start=1):
        if not isinstance(link, dict) or not isinstance(link.get("url"), str):
            raise ValidationError(_("Link %(n)s: an address (URL) is missing.") % {"n": number})
        try:
            check_url(link["url"])
        except ValidationError:
            raise ValidationError(
                _("Link %(n)s: “%(url)s” is not a web address (http or https).") % {"n": number, "url": link["url"]}
            ) from None
        if not isinstance(link.get("label", ""), str):
            raise ValidationError(_("Link %(n)s: the label must be text.") % {"n": number})


def validate_text_list(value: Any) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError(_("Expected a list of texts."))
    if len(value) > MAX_ITEMS:
        raise ValidationError(_("At most %(n)s items.") % {"n": MAX_ITEMS})
