// Rooms pages: progressive enhancement only; every page works without this file.
// No inline script anywhere: the Content-Security-Policy allows only files from this origin.
(() => {
  // Scripted pages hide the no-JS-only buttons (".js-hide").
  document.documentElement.classList.add("js");

  const roomBoxes = () =>
    Array.from(document.querySelectorAll('input[type="checkbox"][name="rooms"][form="bulk-form"]'));

  // "Select all N rooms, on every page": the preview takes every room the search matches.
  const matchingBox = () => document.querySelector("[data-select-matching]");

  const updateCount = () => {
    const counter = document.querySelector("[data-selected-count]");
    if (!counter) return;
    const selected = roomBoxes().filter((box) => box.checked).length;
    const matching = matchingBox();
    if (matching && matching.checked) {
      counter.textContent = interpolate(gettext("All %(count)s selected"), { count: matching.dataset.count }, true);
    } else {
      counter.textContent = selected
        ? interpolate(ngettext("%(count)s selected", "%(count)s selected", selected), { count: selected }, true)
        : "";
    }
    const all = document.querySelector("[data-select-all]");
    if (all) {
      const boxes = roomBoxes();
      all.checked = boxes.length > 0 && selected === boxes.length;
      all.indeterminate = selected > 0 && selected < boxes.length;
    }
  };

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.matches("[data-select-all]") || target.matches("[data-select-matching]")) {
      roomBoxes().forEach((box) => { box.checked = target.checked; });
    }
    // Unticking any room (or the page) is no longer "all of them".
    const matching = matchingBox();
    if (matching && !target.checked && !target.matches("[data-select-matching]")) {
      matching.checked = false;
    }
    if (
      target.matches("[data-select-all]") ||
      target.matches("[data-select-matching]") ||
      target.matches('[name="rooms"][form="bulk-form"]')
    ) {
      updateCount();
    }
  });

  // A new page of rows (search, sort, paging) starts with nothing selected.
  document.addEventListener("htmx:afterSettle", updateCount);

  // Ask for nothing to be selected before a bulk preview, instead of a round trip.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== "bulk-form") return;
    const matching = matchingBox();
    if (!(matching && matching.checked) && !roomBoxes().some((box) => box.checked)) {
      event.preventDefault();
      const counter = document.querySelector("[data-selected-count]");
      if (counter) counter.textContent = gettext("Select rooms in the table first.");
    }
  });
})();
