// What every page does: clear the browser's drafts at logout, "Go back" buttons, confirmations.
// Logging out clears what this browser keeps for the person: unsaved narrative text is privileged, and the next
// person at this browser must neither see it nor save it under their own name.
(function () {
  "use strict";
  const form = document.getElementById("logout-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    try {
      Object.keys(window.localStorage)
        .filter(function (key) { return key.indexOf("narrative-section-draft-") === 0; })
        .forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (error) { /* storage disabled: nothing was kept */ }
  });
})();

// "Go back" on the refusal and not-found pages: back to where the person came from.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-back]")) window.history.back();
});

// A form with data-confirm asks before it is sent (removing a section, a fact...).
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
