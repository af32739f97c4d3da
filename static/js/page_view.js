// Page view: zoom the page's picture, and turn pages from the keyboard (← →). No inline script (CSP).
(function () {
  "use strict";
  const LEVELS = [1, 1.5, 2, 3];
  const picture = document.getElementById("page-picture");
  const frame = document.getElementById("picture-frame");
  const label = document.getElementById("zoom-level");
  let level = 0;

  function zoom(step) {
    level = step === 0 ? 0 : Math.max(0, Math.min(LEVELS.length - 1, level + step));
    picture.style.width = (LEVELS[level] * 100) + "%";
    picture.style.maxWidth = "none";
    label.textContent = level === 0 ? "Fit width" : Math.round(LEVELS[level] * 100) + "%";
    frame.classList.toggle("zoomed", level > 0);
  }

  if (picture && frame) {
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { zoom(parseInt(button.dataset.zoom, 10)); });
    });
    picture.addEventListener("error", function () {
      picture.hidden = true;
      document.getElementById("picture-failed").hidden = false;
    });
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
