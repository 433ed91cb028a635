// Maps with Leaflet, as progressive enhancement: every page shows the same data in a table without this file.
//
// Two kinds of map:
// - the atlas (#atlas-map, data-config="<id of a json_script>"): markers and district outlines loaded from the
//   JSON endpoint named in the configuration; table rows with data-marker get a "Show on the map" button;
// - a single place (.place-map with data-lat, data-lon, data-label, data-config), e.g. on an entry page;
// - picking a place for a form (.pick-map with data-lat-input / data-lon-input = ids of the form's inputs,
//   data-lat / data-lon = the starting centre, data-config): a click, or Enter/Space on the focused map (its
//   centre), writes the coordinates into the inputs; typing into the inputs moves the marker. The map sits in a
//   hidden .pick-map-block which is shown only here, so without JavaScript only the inputs remain.
//
// Without a configured tile server the maps draw no background tiles (nothing is loaded from elsewhere).
(function () {
  "use strict";

  const GERMANY = [51.16, 10.45];

  function readConfig(element) {
    const source = document.getElementById(element.dataset.config);
    return source ? JSON.parse(source.textContent) : { labels: {} };
  }

  function text(tag, content, className) {
    const element = document.createElement(tag);
    if (content !== undefined) element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function link(href, content) {
    const anchor = text("a", content, "kern-link");
    anchor.href = href;
    return anchor;
  }

  function createMap(container, config) {
    container.replaceChildren();
    const map = L.map(container, {
      center: GERMANY,
      zoom: 6,
      maxZoom: config.maxZoom || 18,
      zoomControl: false,
      zoomSnap: 0.25,
      keyboard: true,
      // Popups appear at once: no half-transparent text, and calmer for people who prefer less motion.
      fadeAnimation: false,
    });
    L.control
      .zoom({ zoomInTitle: config.labels.zoomIn || "Zoom in", zoomOutTitle: config.labels.zoomOut || "Zoom out" })
      .addTo(map);
    if (!config.tileUrl) container.classList.add("atlas-map--plain");
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: config.maxZoom || 18 }).addTo(map);
    }
    // Popups: focus moves into the popup when it opens, Escape closes it, focus returns to the marker.
    map.on("popupopen", (event) => {
      const element = event.popup.getElement();
      const close = element.querySelector(".leaflet-popup-close-button");
      if (close && config.labels.close) close.setAttribute("aria-label", config.labels.close);
      element.addEventListener("keydown", (keyEvent) => {
        if (keyEvent.key === "Escape") {
          keyEvent.preventDefault();
          map.closePopup();
        }
      });
      const target = element.querySelector(".leaflet-popup-content a");
      if (target) target.focus({ preventScroll: true });
    });
    // The popup is already gone when this fires: if the focus was in it, it fell back to the page.
    map.on("popupclose", (event) => {
      const source = event.popup._source;
      const lost = !document.activeElement || document.activeElement === document.body;
      if (lost && source && source.getElement && source.getElement()) {
        source.getElement().focus({ preventScroll: true });
      }
    });
    return map;
  }

  function markerIcon(marker) {
    return L.divIcon({
      className: "atlas-marker " + (marker.approximate ? "atlas-marker--group" : "atlas-marker--point"),
      html: marker.approximate && marker.count ? '<span aria-hidden="true">' + Number(marker.count) + "</span>" : "",
      iconSize: marker.approximate ? [30, 30] : [20, 20],
      popupAnchor: [0, -12],
    });
  }

  function markerName(marker, labels) {
    const count = marker.count === 1 ? "1 " + labels.entry : marker.count + " " + labels.entries;
    const where = marker.approximate ? labels.approximate : labels.ownLocation;
    return marker.label + ": " + count + " (" + where + ")";
  }

  function popupContent(marker, labels) {
    const box = document.createElement("div");
    box.className = "atlas-popup";
    box.append(text("p", marker.label, "atlas-popup__title"));
    box.append(
      text("p", marker.approximate ? labels.approximate : labels.ownLocation + " · " + marker.municipality, "muted"),
    );
    const list = document.createElement("ul");
    for (const entry of marker.entries) {
      const item = document.createElement("li");
      item.append(link(entry.url, entry.title));
      list.append(item);
    }
    box.append(list);
    if (marker.municipality_url) {
      const more = text("p");
      more.append(link(marker.municipality_url, labels.municipality + ": " + marker.municipality));
      box.append(more);
    }
    return box;
  }

  function drawAtlas(map, data, config, container) {
    const bounds = L.latLngBounds([]);
    const byId = new Map();
    if (data.outlines && data.outlines.features && data.outlines.features.length) {
      const outlines = L.geoJSON(data.outlines, {
        interactive: false,
        style: () => ({ className: "atlas-outline", weight: 1.5, fillOpacity: 0.08 }),
      }).addTo(map);
      bounds.extend(outlines.getBounds());
    }
    for (const item of data.markers) {
      const marker = L.marker([item.lat, item.lon], {
        icon: markerIcon(item),
        keyboard: true,
        title: markerName(item, config.labels),
        riseOnHover: true,
      });
      marker.bindPopup(popupContent(item, config.labels), { maxHeight: 280, minWidth: 220 });
      // Names next to the municipality markers, so that the map can be read without background tiles too.
      if (item.approximate) {
        marker.bindTooltip(text("span", item.label.split(" (")[0]), { permanent: true, direction: "right", offset: [14, 0], className: "atlas-label" });
      }
      marker.addTo(map);
      marker.getElement().setAttribute("aria-label", markerName(item, config.labels));
      marker.getElement().dataset.marker = item.id;
      byId.set(item.id, marker);
      bounds.extend([item.lat, item.lon]);
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [32, 32], maxZoom: 12 });
    // Labels only where there is room for them.
    const toggleLabels = () => container.classList.toggle("atlas-map--far", map.getZoom() < 8);
    map.on("zoomend", toggleLabels);
    toggleLabels();
    container.dataset.ready = String(data.markers.length);
    return byId;
  }

  function addShowButtons(map, markers, config, container) {
    for (const row of document.querySelectorAll("tr[data-marker]")) {
      const marker = markers.get(row.dataset.marker);
      if (!marker) continue;
      const button = text("button", undefined, "kern-btn kern-btn--tertiary kern-btn--small atlas-show");
      button.type = "button";
      const label = text("span", config.labels.showOnMap, "kern-label");
      label.append(text("span", ": " + row.querySelector("th").textContent.replace(/\s+/g, " ").trim(), "sr-only"));
      button.append(label);
      button.addEventListener("click", () => {
        container.scrollIntoView({ block: "nearest" });
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 10));
        marker.openPopup();
      });
      row.querySelector("th").append(" ", button);
    }
  }

  function initAtlas(container) {
    const config = readConfig(container);
    const map = createMap(container, config);
    fetch(config.dataUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then((data) => addShowButtons(map, drawAtlas(map, data, config, container), config, container))
      .catch(() => {
        const message = text("p", config.labels.loadError, "kern-body atlas-map__error");
        message.setAttribute("role", "alert");
        container.after(message);
      });
  }

  function initPlace(container) {
    const config = readConfig(container);
    const map = createMap(container, config);
    const point = [Number(container.dataset.lat), Number(container.dataset.lon)];
    const approximate = container.dataset.approximate === "true";
    const marker = L.marker(point, {
      icon: markerIcon({ approximate: approximate, count: 0 }),
      keyboard: true,
      title: container.dataset.label,
    }).addTo(map);
    marker.getElement().setAttribute("aria-label", container.dataset.label);
    marker.bindPopup(text("p", container.dataset.label, "atlas-popup__title"));
    // Leaflet reads a string as HTML; a title such as "<img src=x onerror=…>" must stay text.
    marker.bindTooltip(text("span", container.dataset.name || container.dataset.label), {
      permanent: true,
      direction: "right",
      offset: [14, 0],
      className: "atlas-label",
    });
    map.setView(point, approximate ? 11 : 15);
    container.dataset.ready = "1";
  }

  function readCoordinate(input, limit) {
    const value = Number(input.value.trim().replace(",", "."));
    return input.value.trim() !== "" && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  function initPick(container) {
    const latInput = document.getElementById(container.dataset.latInput);
    const lonInput = document.getElementById(container.dataset.lonInput);
    if (!latInput || !lonInput) return;
    const block = container.closest(".pick-map-block");
    if (block) block.hidden = false;
    const config = readConfig(container);
    const map = createMap(container, config);
    const status = block ? block.querySelector(".pick-map__status") : null;
    const clear = block ? block.querySelector(".pick-map__clear") : null;
    let marker = null;

    function show(point) {
      if (!marker) {
        marker = L.marker(point, {
          icon: markerIcon({ approximate: false, count: 0 }),
          keyboard: false,
          interactive: false,
        }).addTo(map);
      } else {
        marker.setLatLng(point);
      }
    }

    function hide() {
      if (marker) marker.remove();
      marker = null;
    }

    function announce(message) {
      if (status) status.textContent = message;
    }

    function place(point) {
      latInput.value = point.lat.toFixed(6);
      lonInput.value = point.lng.toFixed(6);
      show(point);
      announce((container.dataset.placedLabel || "") + " " + latInput.value + ", " + lonInput.value);
    }

    function follow() {
      const lat = readCoordinate(latInput, 90);
      const lon = readCoordinate(lonInput, 180);
      if (lat === null || lon === null) {
        hide();
        return;
      }
      show([lat, lon]);
      if (!map.getBounds().contains([lat, lon])) map.panTo([lat, lon]);
    }

    map.on("click", (event) => place(event.latlng));
    // Keyboard: the arrow keys move the map (Leaflet), Enter or Space marks its current centre.
    container.addEventListener("keydown", (event) => {
      if (event.target !== container || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      place(map.getCenter());
    });
    latInput.addEventListener("input", follow);
    lonInput.addEventListener("input", follow);
    if (clear) {
      clear.addEventListener("click", () => {
        latInput.value = "";
        lonInput.value = "";
        hide();
        announce(container.dataset.removedLabel || "");
      });
    }

    const lat = readCoordinate(latInput, 90);
    const lon = readCoordinate(lonInput, 180);
    const centreLat = Number(container.dataset.lat);
    const centreLon = Number(container.dataset.lon);
    if (lat !== null && lon !== null) {
      show([lat, lon]);
      map.setView([lat, lon], 15);
    } else if (container.dataset.lat && container.dataset.lon && Number.isFinite(centreLat) && Number.isFinite(centreLon)) {
      map.setView([centreLat, centreLon], 13);
    }
    container.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof L === "undefined") return;
    const atlas = document.getElementById("atlas-map");
    if (atlas) initAtlas(atlas);
    for (const place of document.querySelectorAll(".place-map")) initPlace(place);
    for (const pick of document.querySelectorAll(".pick-map")) initPick(pick);
  });
})();
