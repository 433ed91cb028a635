"""Texts of Django itself that its own German catalogue does not have yet (new in Django 6.1).

Listing them here lets `make messages` put them into our catalogue; Django looks in the project's catalogues
(LOCALE_PATHS) first, so our translation is used wherever Django shows the text (e.g. the empty choice of every
select field).
"""

from django.utils.translation import gettext_lazy as _

DJANGO_TEXTS = [
    _("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL
]
