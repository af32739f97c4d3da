// Selecting many items for one action (consent on the timeline, accept or reject in the review queue).
// A checkbox `data-select-all="FORM"` ticks every `input.pick[form=FORM]`; `[data-selected-count="FORM"]` says how
// many are ticked; a form with nothing ticked is not sent.
(function () {
  "use strict";

  function picks(formId) {
    return Array.from(document.querySelectorAll('input.pick[form="' + formId + '"]'));
  }

  function update(formId) {
    const ticked = picks(formId).filter(function (box) { return box.checked; }).length;
    document.querySelectorAll('[data-selected-count="' + formId + '"]').forEach(function (element) {
      element.textContent = ticked ? ticked + " selected" : "none selected";
    });
    document.querySelectorAll('[data-select-all="' + formId + '"]').forEach(function (all) {
      const total = picks(formId).length;
      all.checked = total > 0 && ticked === total;
      all.indeterminate = ticked > 0 && ticked < total;
    });
  }

  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    const formId = all.dataset.selectAll;
    all.addEventListener("change", function () {
      picks(formId).forEach(function (box) { box.checked = all.checked; });
      update(formId);
    });
    picks(formId).forEach(function (box) { box.addEventListener("change", function () { update(formId); }); });
    const form = document.getElementById(formId);
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!picks(formId).some(function (box) { return box.checked; })) {
          event.preventDefault();
          document.querySelectorAll('[data-selected-count="' + formId + '"]').forEach(function (element) {
            element.textContent = "Tick at least one first.";
          });
        }
      });
    }
    update(formId);
  });
})();
