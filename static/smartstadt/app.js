// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Filter forms marked data-autosubmit update their results as soon as a select changes.
  for (const select of document.querySelectorAll("form[data-autosubmit] select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  for (const list of document.querySelectorAll("[data-choice-list]")) {
    enhanceChoiceList(list);
  }
});

// A long checkbox or radio list (templates/partials/choice_group.html) gets a filter field above its options
// and a live count of the chosen ones.
function enhanceChoiceList(list) {
  const template = list.querySelector("template[data-choice-filter]");
  const options = list.querySelector(".choice-list__options");
  if (!template || !options) return;
  options.before(template.content.cloneNode(true));
  const input = list.querySelector('input[type="search"]');
  const empty = list.querySelector(".choice-list__empty");
  const count = list.querySelector("[data-choice-count]");
  const items = [...options.querySelectorAll(".kern-form-check")].map((item) => ({
    item,
    text: item.textContent.toLocaleLowerCase("de").trim(),
  }));
  input.addEventListener("input", () => {
    const words = input.value.toLocaleLowerCase("de").split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { item, text } of items) {
      const match = words.every((word) => text.includes(word));
      item.hidden = !match;
      if (match) shown += 1;
    }
    empty.hidden = shown > 0;
  });
  // Enter in the filter field must not send the form.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
  if (count) {
    options.addEventListener("change", () => {
      count.textContent = options.querySelectorAll("input:checked").length;
    });
  }
}
