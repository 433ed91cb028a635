"""What the regions app tells the apps above it after it wrote: the one way down-to-up, so that regions imports
none of them.

``places_written`` is sent inside the writer's transaction after municipalities, districts or organisations were
created or changed. Arguments (keyword-only, each a list of keys, any may be empty):

* ``organisations``: organisations created or changed;
* ``renamed_organisations``: of these, those whose name or short name changed;
* ``municipalities`` / ``districts``: renamed municipalities and districts.

The inventory connects ``inventory.effects.places_changed``, which re-indexes the search documents that name
them and refreshes what is derived from those entries.
"""

from __future__ import annotations

from django.dispatch import Signal

places_written = Signal()
