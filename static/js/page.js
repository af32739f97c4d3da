// Record page: select words of the page text, then "Add as event" cites exactly that span.
(function () {
  "use strict";
  const text = document.getElementById("page-text");
  const button = document.getElementById("add-event");
  if (!text || !button) return;

  function selectedSpan() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    const end = start + range.toString().length;
    return end > start ? { start: start, end: end } : null;
  }

  document.addEventListener("selectionchange", function () {
    button.disabled = !selectedSpan();
  });
  button.addEventListener("click", function () {
    const span = selectedSpan();
    if (!span) return;
    window.location.href = button.dataset.url + "?start=" + span.start + "&end=" + span.end;
  });
  const cited = document.getElementById("cited") || text.querySelector("mark.hit");
  if (cited) cited.scrollIntoView({ block: "center" });
})();
