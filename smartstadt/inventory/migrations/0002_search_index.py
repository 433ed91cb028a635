"""Search documents of entries and organisations, and the databases' full-text index over them."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from smartstadt.search.index import install_index_structures

    install_index_structures(schema_editor.connection)


def uninstall(apps, schema_editor):
    from smartstadt.search.index import drop_index_structures

    drop_index_structures(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_entries"),
        ("regions", "0001_regions_municipalities_organisations"),
    ]

    operations = [
        migrations.CreateModel(
            name="EntrySearchDocument",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="inventory.entry",
                        verbose_name="entry",
                    ),
                ),
                ("title", models.TextField(blank=True, verbose_name="title tokens")),
                ("body", models.TextField(blank=True, verbose_name="text tokens")),
            ],
            options={
                "verbose_name": "search document of an entry",
                "verbose_name_plural": "search documents of entries",
            },
        ),
        migrations.CreateModel(
            name="OrganisationSearchDocument",
            fields=[
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="regions.organisation",
                        verbose_name="organisation",
                    ),
                ),
                ("title", models.TextField(blank=True, verbose_name="title tokens")),
                ("body", models.TextField(blank=True, verbose_name="text tokens")),
            ],
            options={
                "verbose_name": "search document of an organisation",
                "verbose_name_plural": "search documents of organisations",
            },
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["publication_state", "title"], name="entry_pub_title_idx"),
        ),
        # SQLite: FTS5 tables and triggers; PostgreSQL: generated tsvector columns with GIN indexes.
        migrations.RunPython(install, uninstall, elidable=False),
    ]
