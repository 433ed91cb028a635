from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from smartstadt.regions.geojson import validate_geojson_area

SQUARE = [[6.85, 51.47], [6.86, 51.47], [6.86, 51.48], [6.85, 51.48], [6.85, 51.47]]


@pytest.mark.parametrize(
    "value",
    [
        None,
        {"type": "Polygon", "coordinates": [SQUARE]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
    ],
)
def test_valid_outlines_pass(value):
    validate_geojson_area(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Polygon", "GeoJSON-Objekt"),
        ({"type": "Point", "coordinates": [6.85, 51.47]}, "angegeben ist: Point"),
        (
            {"type": "Polygon", "coordinates": [SQUARE[:3]]},
            "Polygon, Ring 1: Ein Ring braucht mindestens vier Positionen",
        ),
        ({"type": "Polygon", "coordinates": [[*SQUARE[:-1], [6.9, 51.5]]]}, "nicht geschlossen"),
        ({"type": "Polygon", "coordinates": [[[51.47, 200.0], *SQUARE[1:]]]}, "Position 1"),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE], []]}, "Polygon 2"),
        ({"type": "Feature", "geometry": None}, "keine Geometrie"),
    ],
)
def test_invalid_outlines_are_refused_with_a_german_message_naming_the_place(value, message):
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as error:
        validate_geojson_area(value)
    assert message in " ".join(error.value.messages)
