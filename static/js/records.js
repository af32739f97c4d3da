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

  // Record page: one record's progress bar, until it is ready or failed.
  function pollRecord() {
    const box = document.getElementById("progress");
    if (!box || box.dataset.finished === "1") return;
    const bar = document.getElementById("progress-bar");
    const text = document.getElementById("progress-text");
    const status = box.querySelector(".status");
    async function tick() {
      try {
        const data = await fetchStatus(box.dataset.statusUrl);
        renderStatus(status, data);
        bar.value = data.percent;
        text.textContent = data.page_count ? data.pages_done + " of " + data.page_count + " pages read" : "waiting for a worker";
        if (data.finished) {
          window.location.reload(); // show the pages (or the failure and its Retry button)
          return;
        }
      } catch (error) {
        text.textContent = "Lost contact with the server; retrying…";
      }
      window.setTimeout(tick, 1500);
    }
    window.setTimeout(tick, 1000);
  }

  // Case page: the status cell of every record still being read.
  function pollCaseRecords() {
    const table = document.querySelector("table.records");
    if (!table) return;
    const template = table.dataset.pollUrlTemplate;
    async function tick() {
      const rows = Array.from(table.querySelectorAll("tr[data-finished='0']"));
      if (!rows.length) return;
      for (const row of rows) {
        const url = template.replace(/\/0\/status\/$/, "/" + row.dataset.documentId + "/status/");
        try {
          const data = await fetchStatus(url);
          renderStatus(row.querySelector(".status"), data);
          if (data.page_count) row.querySelector("td.num").textContent = data.page_count;
          if (data.finished) {
            row.dataset.finished = "1";
            if (data.failure_reason) {
              const reason = document.createElement("div");
              reason.className = "error small";
              reason.textContent = data.failure_reason;
              row.querySelector(".status").after(reason);
            }
          }
        } catch (error) { /* try again on the next tick */ }
      }
      window.setTimeout(tick, 2000);
    }
    window.setTimeout(tick, 1500);
  }

  setupDropzone();
  pollRecord();
  pollCaseRecords();
})();
