// Review queue keyboard: j/k move, a accept, r reject, e edit, o open the cited page.
(function () {
  "use strict";
  const queue = document.getElementById("queue");
  if (!queue) return;
  const items = Array.from(queue.querySelectorAll("li.proposal"));
  let current = -1;

  function select(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("selected", i === current); });
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  const fromHash = window.location.hash ? document.querySelector(window.location.hash) : null;
  select(fromHash ? items.indexOf(fromHash) : 0);
  items.forEach(function (item, i) { item.addEventListener("click", function () { select(i); }); });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.matches("input, textarea, select, [contenteditable]")) return;
    const item = items[current];
    if (!item) return;
    const act = {
      j: function () { select(current + 1); },
      k: function () { select(current - 1); },
      a: function () { item.querySelector("form[data-action=accept]").requestSubmit(); },
      r: function () { item.querySelector("form[data-action=reject]").requestSubmit(); },
      e: function () { window.location.href = item.querySelector("a[data-action=edit]").href; },
      o: function () { window.location.href = item.querySelector("a[data-open]").href; },
    }[event.key];
    if (act) {
      event.preventDefault();
      act();
    }
  });
})();
