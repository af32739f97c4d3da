// Review queue keyboard: j/k move, a accept, r reject, e edit, o open the cited page, x tick for a bulk decision.
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
    // A proposal the person may not decide (an Advocate's life-history one) has no forms: its keys do nothing.
    function submit(selector) { const form = item.querySelector(selector); if (form) form.requestSubmit(); }
    function follow(selector) { const link = item.querySelector(selector); if (link) window.location.href = link.href; }
    const act = {
      j: function () { select(current + 1); },
      k: function () { select(current - 1); },
      a: function () { submit("form[data-action=accept]"); },
      r: function () { submit("form[data-action=reject]"); },
      e: function () { follow("a[data-action=edit]"); },
      o: function () { follow("a[data-open]"); },
      x: function () {
        const box = item.querySelector("input.pick");
        if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change")); }
      },
    }[event.key];
    if (act) {
      event.preventDefault();
      act();
    }
  });
})();
