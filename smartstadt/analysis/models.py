"""What the analysis engine keeps so that a restart recomputes nothing (see docs/analysis.md).

* :class:`LexicalIndex`: one fitted vocabulary (terms and character n-grams with their idf). A full rebuild adds
  a new one; rows of older ones are made anew by it, and the old one is deleted.
* :class:`EntryVector`: an entry's vectors. The lexical row refers to the vocabulary it was made with; the
  semantic embedding only to the text (``content_hash``), so it survives rebuilds and is copied to every entry
  with the same text instead of being computed again.

* :class:`TagModel`: a trained tag classifier per framework (``tagging.py``), so a restart does not retrain.

Written only by ``indexing.py`` (the rebuild command and the ``update_entry_vectors`` task) and ``tagging.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LexicalIndex(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    documents = models.PositiveIntegerField(_("documents"), default=0)
    model = models.BinaryField(_("fitted model"))

    class Meta:
        verbose_name = _("lexical index")
        verbose_name_plural = _("lexical indexes")

    def __str__(self) -> str:
        return f"{self.pk} ({self.documents})"


class EntryVector(models.Model):
    entry = models.OneToOneField(
        "inventory.Entry",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="analysis_vector",
        verbose_name=_("entry"),
    )
    content_hash = models.CharField(_("hash of the text"), max_length=64, db_index=True)
    lexical_index = models.ForeignKey(
        LexicalIndex, on_delete=models.SET_NULL, null=True, related_name="vectors", verbose_name=_("lexical index")
    )
    lexical = models.BinaryField(_("lexical vector"))
    semantic = models.BinaryField(_("semantic vector"), null=True)
    semantic_model = models.CharField(_("semantic model"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("vector of an entry")
        verbose_name_plural = _("vectors of entries")

    def __str__(self) -> str:
        return str(self.pk)


class TagModel(models.Model):
    """A trained classifier that suggests a framework's top-level terms for a text (see ``tagging.py``): the
    newest row per framework is the one in use; ``fingerprint`` says which confirmed tags it was trained on."""

    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.CASCADE, related_name="tag_models", verbose_name=_("framework")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    entries = models.PositiveIntegerField(_("training entries"), default=0)
    fingerprint = models.CharField(_("fingerprint of the training tags"), max_length=64)
    semantic_model = models.CharField(_("semantic model"), max_length=100, blank=True)
    seconds = models.FloatField(_("training time in seconds"), default=0.0)
    model = models.BinaryField(_("trained model"))

    class Meta:
        verbose_name = _("tag suggestion model")
        verbose_name_plural = _("tag suggestion models")

    def __str__(self) -> str:
        return f"{self.framework_id}: {self.pk} ({self.entries})"
