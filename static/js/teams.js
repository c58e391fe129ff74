// Behaviours of the teams pages. No inline script anywhere: the Content-Security-Policy
// allows only scripts served from this origin. Every page works without this file.
(function () {
  "use strict";

  // Mark the page as scripted so "js-hide" controls (meant for pages without scripts)
  // disappear only when the script really runs.
  document.documentElement.classList.add("js");

  // Dialogs swapped in by htmx (a confirmation naming the person) open as modals.
  function openDialogs(root) {
    const scope = root && root.querySelectorAll ? root : document;
    const found = scope.matches && scope.matches("dialog[data-autoshow]") ? [scope] : [];
    scope.querySelectorAll("dialog[data-autoshow]").forEach((d) => found.push(d));
    found.forEach((dialog) => {
      if (!dialog.open) {
        dialog.addEventListener("close", () => dialog.remove(), { once: true });
        dialog.showModal();
      }
    });
  }
  document.addEventListener("htmx:load", (event) => openDialogs(event.target));

  document.addEventListener("click", (event) => {
    // Inside a dialog, Cancel/Close links close it instead of leaving the page.
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      const dialog = closer.closest("dialog");
      if (dialog) {
        event.preventDefault();
        dialog.close();
      }
    }
    // Close the team switcher when clicking elsewhere.
    document.querySelectorAll("details.switcher[open]").forEach((details) => {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.switcher[open]").forEach((d) => d.removeAttribute("open"));
  });

  // An avatar that cannot be loaded steps aside for the initials underneath it.
  document.addEventListener("error", (event) => {
    const img = event.target;
    if (img instanceof HTMLImageElement && img.classList.contains("avatar-img")) img.remove();
  }, true);
  // Images that failed before this script ran.
  function dropBrokenAvatars(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("img.avatar-img").forEach((img) => {
      if (img.complete && img.naturalWidth === 0) img.remove();
    });
  }
  document.addEventListener("DOMContentLoaded", () => dropBrokenAvatars(document));
  document.addEventListener("htmx:load", (event) => dropBrokenAvatars(event.target));

  // Forms that need a second thought (removing a dashboard member).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Filter forms leave empty fields out of the address (…/audit/?outcome=ok, not ?actor=&…).
  document.addEventListener("htmx:configRequest", (event) => {
    const detail = event.detail;
    if (detail.verb !== "get" || !detail.elt.closest("[data-drop-empty]")) return;
    for (const key of Object.keys(detail.parameters)) {
      if (detail.parameters[key] === "") delete detail.parameters[key];
    }
  });
})();
