// Drag and drop for the strategy's ordered lists. Progressive enhancement only: the "Up"/"Down" buttons are
// forms that work by keyboard and without JavaScript; this file adds dragging with the mouse and saves the new
// order with the list's hidden reorder form.
"use strict";

(() => {
  const refreshButtons = (list) => {
    const items = [...list.querySelectorAll(":scope > .sortable__item")];
    items.forEach((item, index) => {
      const up = item.querySelector(".sortable__up");
      const down = item.querySelector(".sortable__down");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === items.length - 1;
    });
  };

  const announce = (list, message) => {
    const status = list.parentElement.querySelector("[data-sortable-status]");
    if (status) status.textContent = message;
  };

  const save = async (list) => {
    const form = document.getElementById(list.dataset.reorderForm);
    if (!form) return;
    const ids = [...list.querySelectorAll(":scope > .sortable__item")].map((item) => item.dataset.id);
    form.elements.order.value = ids.join(",");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      announce(list, response.ok ? list.dataset.savedMessage : list.dataset.failedMessage);
    } catch {
      announce(list, list.dataset.failedMessage);
    }
  };

  const setUp = (list) => {
    let dragged = null;
    for (const item of list.querySelectorAll(":scope > .sortable__item")) {
      item.draggable = true;
      item.addEventListener("dragstart", (event) => {
        dragged = item;
        item.classList.add("sortable__item--dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.id);
      });
      item.addEventListener("dragend", () => {
        item.classList.remove("sortable__item--dragging");
        for (const other of list.querySelectorAll(".sortable__item--target")) {
          other.classList.remove("sortable__item--target");
        }
        dragged = null;
      });
      item.addEventListener("dragover", (event) => {
        if (!dragged || dragged === item) return;
        event.preventDefault();
        item.classList.add("sortable__item--target");
      });
      item.addEventListener("dragleave", () => item.classList.remove("sortable__item--target"));
      item.addEventListener("drop", (event) => {
        event.preventDefault();
        item.classList.remove("sortable__item--target");
        if (!dragged || dragged === item) return;
        const items = [...list.children];
        const before = items.indexOf(dragged) > items.indexOf(item);
        list.insertBefore(dragged, before ? item : item.nextSibling);
        refreshButtons(list);
        save(list);
      });
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const list of document.querySelectorAll("ol.sortable[data-reorder-form]")) setUp(list);
  });
})();
