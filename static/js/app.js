// Small behaviours that need no framework. No inline script anywhere: the
// Content-Security-Policy allows only scripts served from this origin. The scripts' words
// go through gettext/ngettext/interpolate, Django's catalog for the page's language
// (jsi18n/, loaded before them by base.html; strings in locale/*/djangojs.po).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const text = button.getAttribute("data-copy");
  navigator.clipboard.writeText(text).then(() => {
    const label = button.textContent;
    button.textContent = gettext("Copied");
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

// The sticky top bar's height, for `scroll-padding-top` (app.css): a field the browser
// scrolls to, to show a validation message, stops below the bar instead of under it.
(() => {
  const bar = document.querySelector(".appbar");
  if (!bar) return;
  const update = () => {
    const sticky = getComputedStyle(bar).position === "sticky";
    document.documentElement.style.setProperty("--appbar-height", sticky ? `${bar.offsetHeight}px` : "0px");
  };
  update();
  new ResizeObserver(update).observe(bar);
})();

// A select that changes a setting saves only when asked: its form's Save button
// ([data-save]) or Enter on the select, never an arrow key. A focused select changes its
// value (and fires "change") on each arrow key: saving then would save every choice passed
// on the way, and the swap that follows would drop focus to the page (WCAG 3.2.2, On
// Input). The Save button shows while a choice differs from the saved one; Escape puts
// the saved one back. After htmx swaps the form's row, focus returns to the select.
(() => {
  const FORM = "form[data-save-when-asked]";
  const selects = (form) => Array.from(form.querySelectorAll("select"));
  const changed = (form) =>
    selects(form).some((select) => select.selectedIndex >= 0 && !select.options[select.selectedIndex].defaultSelected);
  const mark = (form) => form.classList.toggle("is-changed", changed(form));
  const onEdit = (event) => {
    const form = event.target instanceof Element ? event.target.closest(FORM) : null;
    if (form) mark(form);
  };
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  // A page restored by Back keeps a choice made before leaving it: its Save shows too.
  window.addEventListener("pageshow", () => document.querySelectorAll(FORM).forEach(mark));
  document.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement)) return;
    const form = select.closest(FORM);
    if (!form) return;
    if (event.key === "Enter") {
      event.preventDefault();
      if (changed(form)) form.requestSubmit();
    } else if (event.key === "Escape" && changed(form)) {
      event.preventDefault();
      for (const option of select.options) option.selected = option.defaultSelected;
      mark(form);
    }
  });
  let refocus = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt instanceof Element ? event.detail.elt.closest(FORM) : null;
    if (!form || !form.contains(document.activeElement)) return;
    const select = form.querySelector("select[id]");
    refocus = select ? select.id : null;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!refocus) return;
    const select = document.getElementById(refocus);
    refocus = null;
    if (select && select !== document.activeElement) select.focus();
  });
})();

// A form that applies itself on a field's change and on submit (the attendance reports'
// filters, data-one-request-per-change): typing in a field and pressing Apply or Enter
// fires both, with the same filters; the second is not sent. The same filters applied
// again later (a second on) are sent: that is a reload. A request that waited in the
// queue (hx-sync) is confirmed again when it leaves it, for the same event: it goes.
(() => {
  const last = new WeakMap();
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-one-request-per-change")) return;
    const trigger = event.detail.triggeringEvent;
    const before = last.get(form);
    if (before && trigger && before.trigger === trigger) return;
    const query = new URLSearchParams(new FormData(form)).toString();
    const now = Date.now();
    if (before && before.query === query && now - before.at < 1000) {
      event.preventDefault();
      return;
    }
    last.set(form, { query, at: now, trigger });
  });
})();

// The language switcher (base.html's footer) comes back to the page as it is now: htmx may
// have changed its address (filters, a page of a list) since the page was loaded.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches(".language-form")) return;
  const next = form.elements.namedItem("next");
  if (next instanceof HTMLInputElement) next.value = window.location.pathname + window.location.search;
});
