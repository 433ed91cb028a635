// The layout check of the browser tests (smartstadt/core/tests/layout.py): what a person sees as broken and
// axe-core does not report. Returns a list of findings, each a German sentence naming the elements.
() => {
  const findings = [];
  const root = document.documentElement;
  const viewWidth = root.clientWidth;

  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += `#${element.id}`;
    else if (element.classList.length) name += `.${[...element.classList].slice(0, 2).join(".")}`;
    if (element.type && element.tagName === "INPUT") name += `[type=${element.type}]`;
    const label = element.labels && element.labels.length ? element.labels[0].textContent : "";
    const text = (element.getAttribute("aria-label") || label || element.textContent || element.value || "")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 40);
    return text ? `${name} „${text}“` : name;
  };

  // Visually hidden on purpose: display none, visibility hidden, the sr-only pattern (clip), off-screen skip links.
  const visuallyHidden = (element) => {
    if (!element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return true;
    for (let node = element; node && node !== root; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.position === "absolute" || style.position === "fixed") {
        if (style.clip !== "auto" && style.clip !== "") return true;
        if (style.clipPath !== "none") return true;
      }
    }
    return false;
  };

  // The part of a rectangle not cut away by a scrolling or clipping ancestor.
  const clipped = (element, rect) => {
    let { left, top, right, bottom } = rect;
    for (let node = element.parentElement; node && node !== root && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") {
        const box = node.getBoundingClientRect();
        if (style.overflowX !== "visible") {
          left = Math.max(left, box.left);
          right = Math.min(right, box.right);
        }
        if (style.overflowY !== "visible") {
          top = Math.max(top, box.top);
          bottom = Math.min(bottom, box.bottom);
        }
      }
    }
    return right - left > 1 && bottom - top > 1 ? { left, top, right, bottom } : null;
  };

  // 1. The page must not scroll sideways.
  if (root.scrollWidth > viewWidth + 1) {
    // Name the innermost elements that stick out: their parents stick out because of them.
    const deepest = [];
    for (const element of document.body.querySelectorAll("*")) {
      const rect = element.getBoundingClientRect();
      // Hidden elements count too: a visually hidden text placed far right still widens the page.
      if (rect.right > viewWidth + 1 && rect.width > 0 && clipped(element, rect)) {
        if (![...element.children].some((child) => child.getBoundingClientRect().right > viewWidth + 1)) {
          const hidden = visuallyHidden(element) ? ", unsichtbar" : "";
          deepest.push(`${describe(element)} (bis ${Math.round(rect.right)} px${hidden})`);
        }
      }
    }
    findings.push(
      `Die Seite ist ${root.scrollWidth} px breit bei ${viewWidth} px Fensterbreite (scrollt seitwärts): ` +
        deepest.slice(0, 5).join("; "),
    );
  }

  // 2. Form controls drawn with zero or absurd size.
  const TEXT_TYPES = new Set(["text", "email", "url", "number", "search", "password", "tel", "date", "datetime-local", "time", "month", "file"]);
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (control.type === "hidden" || visuallyHidden(control)) continue;
    const { width, height } = control.getBoundingClientRect();
    const size = `${Math.round(width)}×${Math.round(height)} px`;
    if (control.type === "checkbox" || control.type === "radio") {
      if (width > 48 || height > 48 || width < 12 || height < 12) {
        findings.push(`${describe(control)} ist als Kontrollkästchen ${size} groß (erwartet 12–48 px)`);
      }
    } else if (control.tagName === "SELECT" && (control.multiple || control.size > 1)) {
      if (width < 40 || height < 60) findings.push(`Mehrfachauswahl ${describe(control)} ist nur ${size} groß`);
    } else if (control.tagName === "SELECT" || control.tagName === "TEXTAREA" || TEXT_TYPES.has(control.type)) {
      if (width < 40 || height < 16) findings.push(`Eingabefeld ${describe(control)} ist nur ${size} groß`);
    } else if (width < 1 || height < 1) {
      findings.push(`${describe(control)} ist ${size} groß`);
    }
  }

  // A label squeezed to a column of single letters (e.g. by a table's column) is unreadable.
  for (const label of document.querySelectorAll("label, legend")) {
    if (visuallyHidden(label)) continue;
    const text = label.textContent.replace(/\s+/g, " ").trim();
    const { width } = label.getBoundingClientRect();
    if (text.length > 12 && width > 0 && width < 48) {
      findings.push(`Beschriftung ${describe(label)} ist nur ${Math.round(width)} px breit`);
    }
  }

  // 3. Visible interactive elements and labels must not overlap: one would hide or catch the other's clicks.
  const INTERACTIVE =
    "a[href], button, input:not([type=hidden]), select, textarea, label, legend, summary, [role=button], [tabindex]:not([tabindex='-1'])";
  // A layer drawn over the page on purpose (a dialog, a popover, an opened menu marked data-layout-overlay) may
  // cover the page; its own elements must still not overlap each other.
  const OVERLAY = "dialog, [popover], [data-layout-overlay]";
  const boxes = [];
  for (const element of document.querySelectorAll(INTERACTIVE)) {
    // Map markers and controls sit on top of the map by design.
    if (element.closest(".leaflet-container")) continue;
    if (visuallyHidden(element)) continue;
    for (const rect of element.getClientRects()) {
      const visible = clipped(element, rect);
      if (visible && visible.right - visible.left > 2 && visible.bottom - visible.top > 2) boxes.push({ element, ...visible });
    }
  }
  boxes.sort((a, b) => a.top - b.top);
  const TOLERANCE = 2; // px: borders and rounding
  const seen = new Set();
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].top < a.bottom - TOLERANCE; j++) {
      const b = boxes[j];
      if (a.element === b.element || a.element.contains(b.element) || b.element.contains(a.element)) continue;
      if (a.element.closest(OVERLAY) !== b.element.closest(OVERLAY)) continue;
      const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (width <= TOLERANCE || height <= TOLERANCE) continue;
      const key = `${describe(a.element)} / ${describe(b.element)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(`${describe(a.element)} überdeckt ${describe(b.element)} (${Math.round(width)}×${Math.round(height)} px)`);
    }
  }
  return findings;
}
