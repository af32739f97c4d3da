// Records: drag-and-drop upload and live progress of records being read.
// Kept in a static file (no inline script) so the Content-Security-Policy can forbid inline code.
(function () {
  "use strict";

  function setupDropzone() {
    const zone = document.getElementById("dropzone");
    const input = document.getElementById("record-files");
    const list = document.getElementById("chosen-files");
    if (!zone || !input) return;

    // The server takes a limited number of files per upload (data-max-files); say so before sending, not after.
    const maxFiles = parseInt(input.dataset.maxFiles || "0", 10);
    function showChosen() {
      list.replaceChildren();
      input.setCustomValidity("");
      if (maxFiles && input.files.length > maxFiles) {
        input.setCustomValidity("You chose " + input.files.length + " files; upload at most " + maxFiles +
          " at a time, in batches.");
        input.reportValidity();
      }
      Array.from(input.files).forEach(function (file) {
        const item = document.createElement("li");
        item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
        list.appendChild(item);
      });
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      showChosen();
    });
    input.addEventListener("change", showChosen);
  }

  function renderStatus(element, data) {
    element.className = "status status-" + data.status;
    let label = data.status_label;
    if (data.status === "processing" && data.page_count) {
      label += " · " + data.pages_done + " of " + data.page_count + " pages";
    }
    element.textContent = label;
  }

  async function fetchStatus(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error("status " + response.status);
    return response.json();
  }

  // Record page: one record's progress bar until it is read (then its pages show), and on until its events are
  // found (then its facts show).
  function pollRecord() {
    const box = document.getElementById("progress");
    if (!box || box.dataset.busy !== "1") return;
    const bar = document.getElementById("progress-bar");
    const text = document.getElementById("progress-text");
    const status = box.querySelector(".status");
    async function tick() {
      try {
        const data = await fetchStatus(box.dataset.statusUrl);
        renderStatus(status, data);
        bar.value = data.percent;
        text.textContent = data.page_count ? data.pages_done + " of " + data.page_count + " pages read" : "waiting for a worker";
        if ((data.finished && box.dataset.finished !== "1") || !data.busy) {
          window.location.reload(); // show the pages (or the failure and its Retry button), then the facts
          return;
        }
      } catch (error) {
        text.textContent = "Lost contact with the server; retrying…";
      }
      window.setTimeout(tick, 1500);
    }
    window.setTimeout(tick, 1000);
  }

  // Case page: the records table follows reading and finding events by itself (one request for the table),
  // until no record has work under way.
  function pollCaseRecords() {
    const table = document.querySelector("table.records");
    if (!table || !table.querySelector("tr[data-busy='1']")) return;
    async function tick() {
      let busy = true;
      try {
        const data = await fetchStatus(table.dataset.pollUrl);
        busy = data.busy;
        data.records.forEach(function (record) {
          const row = table.querySelector("tr[data-document-id='" + record.id + "']");
          if (!row) return;
          renderStatus(row.querySelector(".status"), record);
          if (record.page_count) row.querySelector("td.num").textContent = record.page_count;
          const cell = row.querySelector("td.status-cell");
          const shown = cell.querySelector(".error");
          if (record.failure_reason && !shown) {
            const reason = document.createElement("div");
            reason.className = "error small";
            reason.textContent = record.failure_reason;
            cell.appendChild(reason);
          }
          record.cells.forEach(function (text, index) {
            const column = row.querySelector("td[data-column='" + index + "']");
            if (column) column.textContent = text || "—";
          });
          row.dataset.busy = record.busy ? "1" : "0";
        });
      } catch (error) { /* try again on the next tick */ }
      if (busy) window.setTimeout(tick, 2000);
    }
    window.setTimeout(tick, 1500);
  }

  // Records table: one box ticks every record for "Set details of the selected records" (shown only with script).
  function setupSelectAll() {
    const all = document.getElementById("select-all-records");
    if (!all) return;
    const boxes = Array.from(document.querySelectorAll("table.records input[name='documents']"));
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        const ticked = boxes.filter(function (b) { return b.checked; }).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    });
  }

  setupDropzone();
  setupSelectAll();
  pollRecord();
  pollCaseRecords();
})();
