// Export list: follow exports still being produced, then reload to show their files.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("tr[data-export][data-finished='0']"));
  if (!rows.length) return;
  async function tick() {
    for (const row of rows) {
      try {
        const response = await fetch(row.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        const data = await response.json();
        if (data.finished) { window.location.reload(); return; }
        const step = row.querySelector(".step");
        if (step) step.textContent = data.step + " (" + data.steps_done + "/" + data.steps_total + ")";
      } catch (error) { /* try again */ }
    }
    window.setTimeout(tick, 1500);
  }
  window.setTimeout(tick, 1000);
})();
