"""Validation of district outlines given as GeoJSON.

Only what a district outline needs is accepted: a Polygon or MultiPolygon (or a Feature carrying one) in
WGS 84 coordinates, with closed rings of at least four positions. Errors name the place that is wrong.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AREA_TYPES = ("Polygon", "MultiPolygon")


def _check_position(position: Any, where: str) -> None:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise ValidationError(_("%(where)s: a position needs longitude and latitude.") % {"where": where})
    lon, lat = position[0], position[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        raise ValidationError(_("%(where)s: coordinates must be numbers.") % {"where": where})
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            _("%(where)s: %(lon)s, %(lat)s is not a WGS 84 longitude/latitude pair.")
            % {"where": where, "lon": lon, "lat": lat}
        )


def _check_polygon(rings: Any, where: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("%(where)s: a polygon needs at least one ring.") % {"where": where})
    for ring_index, ring in enumerate(rings, start=1):
        ring_where = _("%(where)s, ring %(ring)s") % {"where": where, "ring": ring_index}
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("%(where)s: a ring needs at least four positions.") % {"where": ring_where})
        for position_index, position in enumerate(ring, start=1):
            _check_position(position, _("%(where)s, position %(n)s") % {"where": ring_where, "n": position_index})
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise ValidationError(
                _("%(where)s: the ring is not closed (first and last position differ).") % {"where": ring_where}
            )


def validate_geojson_area(value: Any) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, dict):
        raise ValidationError(_("The outline must be a GeoJSON object."))
    geometry: Any = value
    if value.get("type") == "Feature":
        geometry = value.get("geometry")
        if not isinstance(geometry, dict):
            raise ValidationError(_("The GeoJSON feature has no geometry."))
    kind = geometry.get("type")
    if kind not in AREA_TYPES:
        raise ValidationError(
            _("The outline must be a Polygon or MultiPolygon, not %(kind)s.") % {"kind": kind or _("nothing")}
        )
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates, _("Polygon"))
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise ValidationError(_("A MultiPolygon needs at least one polygon."))
    for index, polygon in enumerate(coordinates, start=1):
        _check_polygon(polygon, _("Polygon %(n)s") % {"n": index})
