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
