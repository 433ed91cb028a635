// The network graph (Cytoscape) as progressive enhancement: the table on the page holds the same links.
//
// Keyboard path: every organisation row of the table gets a "Show in the graph" button that selects the
// organisation, highlights its links and announces them in the status region; "Show the whole graph" resets.
(function () {
  "use strict";

  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Node colours come from the legend's swatches, so that CSS is the one place that defines them.
  function kindColours() {
    const colours = {};
    for (const swatch of document.querySelectorAll(".network-legend [data-kind]")) {
      colours[swatch.dataset.kind] = getComputedStyle(swatch).backgroundColor;
    }
    return colours;
  }

  function graphStyle(colours) {
    const style = [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 10,
          "font-family": "Fira Sans, sans-serif",
          color: "#131525",
          "text-wrap": "ellipsis",
          "text-max-width": 120,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "min-zoomed-font-size": 7,
        },
      },
      {
        selector: 'node[type = "organisation"]',
        style: { shape: "round-rectangle", width: 22, height: 22, "background-color": "#6b7280", "font-weight": "bold" },
      },
      {
        selector: 'node[type = "entry"]',
        style: {
          shape: "ellipse",
          width: 12,
          height: 12,
          "background-color": "#d9dce6",
          "border-width": 1,
          "border-color": "#454b6b",
          "font-size": 9,
          label: "",
        },
      },
      // Entry titles only where they help: around the selected organisation, or under the mouse.
      { selector: 'node[type = "entry"].highlighted, node[type = "entry"].hover', style: { label: "data(label)" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#8a8fa8", "curve-style": "haystack" } },
      { selector: 'edge[role = "partner"]', style: { "line-style": "dashed", "curve-style": "straight" } },
      { selector: 'edge[role = "lead"]', style: { width: 2.5, "line-color": "#454b6b" } },
      { selector: ".faded", style: { opacity: 0.12 } },
      { selector: "node.highlighted", style: { "border-width": 3, "border-color": "#131525", "font-size": 12, "z-index": 10 } },
      { selector: "edge.highlighted", style: { "line-color": "#131525", "z-index": 9 } },
      { selector: "node:selected", style: { "border-width": 5, "border-color": "#f0a500" } },
    ];
    for (const [kind, colour] of Object.entries(colours)) {
      style.push({ selector: 'node[kind = "' + kind + '"]', style: { "background-color": colour } });
    }
    return style;
  }

  function init(container) {
    const elements = readJson(container.dataset.elements) || [];
    const labels = readJson(container.dataset.labels) || {};
    const status = document.getElementById("network-status");
    container.replaceChildren();
    const cy = cytoscape({
      container: container,
      elements: elements,
      style: graphStyle(kindColours()),
      layout: {
        name: "cose",
        animate: false,
        randomize: false,
        idealEdgeLength: () => 80,
        nodeRepulsion: () => 600000,
        gravity: 0.2,
        numIter: 1000,
        padding: 24,
      },
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });

    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "kern-btn kern-btn--secondary kern-btn--small";
    reset.id = "network-reset";
    reset.hidden = true;
    const resetLabel = document.createElement("span");
    resetLabel.className = "kern-label";
    resetLabel.textContent = labels.reset;
    reset.append(resetLabel);
    status.before(reset);

    function announce(node) {
      status.replaceChildren();
      if (!node) return;
      const data = node.data();
      const title = document.createElement("strong");
      title.textContent = labels.selected + ": " + data.label;
      status.append(title);
      if (data.type === "organisation") {
        const lead = node.connectedEdges('[role = "lead"]').length;
        const partner = node.connectedEdges('[role = "partner"]').length;
        status.append(" (" + data.kind_label + ") – " + labels.lead + ": " + lead + ", " + labels.partner + ": " + partner + ". ");
      } else {
        const organisations = node.neighborhood("node").map((other) => other.data("label"));
        status.append(" – " + organisations.join(", ") + ". ");
      }
      const open = document.createElement("a");
      open.className = "kern-link";
      open.href = data.url;
      open.textContent = labels.open;
      status.append(open);
    }

    function highlight(node) {
      cy.elements().removeClass("faded highlighted").unselect();
      for (const row of document.querySelectorAll("tr.is-highlighted")) row.classList.remove("is-highlighted");
      if (!node) {
        announce(null);
        reset.hidden = true;
        cy.fit(undefined, 24);
        return;
      }
      const neighbourhood = node.closedNeighborhood();
      cy.elements().not(neighbourhood).addClass("faded");
      neighbourhood.addClass("highlighted");
      node.select();
      cy.animate({ fit: { eles: neighbourhood, padding: 48 } }, { duration: 250 });
      const row = document.querySelector('tr[data-node="' + node.id() + '"]');
      if (row) row.classList.add("is-highlighted");
      announce(node);
      reset.hidden = false;
      container.dataset.selected = node.id();
    }

    // Where the keyboard user came from: focus goes back there when the whole graph is shown again.
    let lastTrigger = null;
    reset.addEventListener("click", () => {
      highlight(null);
      delete container.dataset.selected;
      if (lastTrigger) lastTrigger.focus();
    });
    cy.on("tap", "node", (event) => highlight(event.target));
    cy.on("mouseover", "node", (event) => event.target.addClass("hover"));
    cy.on("mouseout", "node", (event) => event.target.removeClass("hover"));
    cy.on("tap", (event) => {
      if (event.target === cy) highlight(null);
    });

    for (const row of document.querySelectorAll("#network-table tr[data-node]")) {
      const node = cy.getElementById(row.dataset.node);
      if (node.empty()) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kern-btn kern-btn--tertiary kern-btn--small network-show";
      const label = document.createElement("span");
      label.className = "kern-label";
      label.textContent = labels.showInGraph;
      const which = document.createElement("span");
      which.className = "sr-only";
      which.textContent = ": " + node.data("label");
      label.append(which);
      button.append(label);
      button.addEventListener("click", () => {
        lastTrigger = button;
        container.scrollIntoView({ block: "nearest" });
        highlight(node);
      });
      row.querySelector("th").append(" ", button);
    }
    container.dataset.ready = String(cy.nodes().length);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const container = document.getElementById("network-graph");
    if (container && typeof cytoscape !== "undefined") init(container);
  });
})();
