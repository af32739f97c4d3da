// Page view: zoom the page's picture (its marks, placed in percent, zoom with it), bring the first mark into view,
// and turn pages from the keyboard (← →). No inline script (CSP).
(function () {
  "use strict";
  const LEVELS = [1, 1.5, 2, 3];
  const picture = document.getElementById("page-picture");
  const sheet = document.getElementById("picture-sheet");
  const frame = document.getElementById("picture-frame");
  const label = document.getElementById("zoom-level");
  let level = 0;

  // Scrolls the frame (not the window: the text beside it keeps its place) so the first mark sits a third of the
  // way down and, zoomed in, its left end is in sight.
  function showFirstMark() {
    const mark = sheet && sheet.querySelector(".picture-mark");
    if (!mark || !frame) return;
    const box = mark.getBoundingClientRect();
    const view = frame.getBoundingClientRect();
    frame.scrollTop += box.top - view.top - frame.clientHeight / 3;
    frame.scrollLeft += box.left - view.left - 24;
  }

  function zoom(step) {
    level = step === 0 ? 0 : Math.max(0, Math.min(LEVELS.length - 1, level + step));
    sheet.style.width = (LEVELS[level] * 100) + "%";
    label.textContent = level === 0 ? "Fit width" : Math.round(LEVELS[level] * 100) + "%";
    frame.classList.toggle("zoomed", level > 0);
    showFirstMark();
  }

  if (picture && sheet && frame) {
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { zoom(parseInt(button.dataset.zoom, 10)); });
    });
    picture.addEventListener("error", function () {
      picture.hidden = true;
      sheet.classList.add("failed");
      document.getElementById("picture-failed").hidden = false;
    });
    if (picture.complete && picture.naturalWidth) showFirstMark();
    else picture.addEventListener("load", showFirstMark);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    let link = null;
    if (event.key === "ArrowLeft") link = document.getElementById("previous-page");
    if (event.key === "ArrowRight") link = document.getElementById("next-page");
    if (link) { window.location.href = link.href; return; }
    if (!picture) return;
    if (event.key === "+" || event.key === "=") zoom(1);
    else if (event.key === "-") zoom(-1);
    else if (event.key === "0") zoom(0);
  });
})();
