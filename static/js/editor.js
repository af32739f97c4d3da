// Narrative editor: CKEditor 5 per section, autosave with versions, nothing lost offline, citations from the timeline.
(function () {
  "use strict";

  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] ||
    (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;

  // Plugins of the bundled build that a court narrative must not use (Markdown would change the stored format;
  // embeds, images, uploads, raw HTML and styles would bypass what the server allows).
  const REMOVED = ["Markdown", "HtmlEmbed", "FullPage", "MediaEmbed", "Image", "ImageCaption", "ImageStyle",
    "ImageToolbar", "ImageResize", "ImageInsert", "LinkImage", "CKFinderUploadAdapter", "SimpleUploadAdapter",
    "SourceEditing", "Style", "Mention", "CodeBlock", "Code", "Table", "TableToolbar", "TableCaption",
    "TableProperties", "TableCellProperties", "Font", "Highlight", "Alignment", "TodoList", "Autosave",
    "WordCount", "ShowBlocks", "IndentBlock", "PageBreak", "HorizontalLine", "Subscript", "Superscript"];

  const CONFIG = {
    licenseKey: "GPL",  // CKEditor 5 is used under its GPL licence; no commercial key, no network check
    removePlugins: REMOVED,
    toolbar: ["heading", "|", "bold", "italic", "underline", "|", "bulletedList", "numberedList", "blockQuote",
      "|", "link", "|", "undo", "redo"],
    heading: { options: [
      { model: "paragraph", title: "Paragraph", class: "ck-heading_paragraph" },
      { model: "heading2", view: "h2", title: "Heading", class: "ck-heading_heading2" },
      { model: "heading3", view: "h3", title: "Subheading", class: "ck-heading_heading3" },
    ] },
    // A citation is a link that names the event it cites; keep those two attributes and nothing else.
    htmlSupport: { allow: [{ name: "a", classes: ["citation"], attributes: { "data-event": /^\d+$/ } }] },
    link: { addTargetToExternalLinks: false },
  };

  // Unsaved text kept in this browser belongs to the person who typed it: the key names them, and logging out
  // clears every draft (see base.js), so the next person at this browser never sees or saves it.
  const sectionsBox = document.querySelector(".sections[data-user]");
  const USER = sectionsBox ? sectionsBox.dataset.user : "";
  const DRAFT_KEY = function (id) { return "narrative-section-draft-" + USER + "-" + id; };
  let focusedSection = null;

  function setState(section, text, cls) {
    const state = section.querySelector(".save-state");
    state.textContent = text;
    state.className = "save-state" + (cls ? " " + cls : "");
  }

  function renderWarnings(section, data) {
    const list = section.querySelector(".warnings");
    list.replaceChildren();
    (data.withheld || []).forEach(function (event) {
      const item = document.createElement("li");
      item.className = "error";
      item.textContent = "Cites a fact the client withheld (" + (event.date || "undated") + ": " + event.summary +
        "). It will be refused at export.";
      list.appendChild(item);
    });
    (data.uncited || []).forEach(function (text) {
      const item = document.createElement("li");
      item.className = "warn";
      item.textContent = "This paragraph cites no record: “" + (text.length > 90 ? text.slice(0, 89) + "…" : text) + "”";
      list.appendChild(item);
    });
  }

  function markUncited(editor) {
    // Flag, in the editing view, each paragraph that states something without citing a record.
    const root = editor.editing.view.getDomRoot();
    if (!root) return;
    root.querySelectorAll("p, li").forEach(function (block) {
      const words = block.textContent.trim().split(/\s+/).filter(Boolean).length;
      const cites = block.querySelector("a.citation");
      block.classList.toggle("uncited", words >= 4 && !cites);
    });
  }

  function setupSection(section) {
    const id = section.dataset.section;
    const source = section.querySelector("textarea.section-body");
    const host = section.querySelector(".editor-host");
    let version = parseInt(section.dataset.version, 10);
    let saving = false, dirty = false, timer = null, retryDelay = 2000;

    return window.ClassicEditor.create(host, CONFIG).then(function (editor) {
      if (section.dataset.readonly) {  // the person may read this section, not write it (the server refuses too)
        editor.setData(source.value);
        editor.enableReadOnlyMode("not-yours");
        section.editor = null;
        setState(section, "For reading: this section is written by the attorney and the mitigation specialist.", "");
        editor.editing.view.document.on("focus", function () { focus(section); });
        return;
      }
      const saved = window.localStorage.getItem(DRAFT_KEY(id));
      if (saved) {
        const draft = JSON.parse(saved);
        editor.setData(draft.body);
        dirty = true;
        setState(section, "Unsaved text from your last visit was restored; saving it now…", "unsaved");
        schedule(500);
      } else {
        editor.setData(source.value);
      }
      markUncited(editor);
      section.editor = editor;

      editor.model.document.on("change:data", function () {
        dirty = true;
        window.localStorage.setItem(DRAFT_KEY(id), JSON.stringify({ body: editor.getData(), version: version }));
        setState(section, "Unsaved changes…", "unsaved");
        markUncited(editor);
        schedule(1500);
      });
      editor.editing.view.document.on("focus", function () { focus(section); });

      function schedule(delay) {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, delay);
      }

      async function save() {
        if (saving || !dirty) return;
        saving = true;
        dirty = false;
        const body = editor.getData();
        try {
          const response = await fetch(section.dataset.saveUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
            body: JSON.stringify({ body: body, version: version }),
          });
          const data = await response.json().catch(function () { return {}; });
          if (response.status === 409) {
            showConflict(section, editor, data, function (newVersion) { version = newVersion; });
            return;
          }
          if (response.status === 400 && data.refused) {
            // Refused for what the text says (e.g. a citation from another case): sending it again unchanged will
            // not help, so wait for the next edit; the draft stays in this browser meanwhile.
            dirty = false;
            setState(section, data.error + " Your text is kept in this browser.", "failed");
            return;
          }
          if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
          version = data.version;
          section.dataset.version = version;
          if (!dirty) window.localStorage.removeItem(DRAFT_KEY(id));
          setState(section, "Saved " + data.saved_at + " (version " + version + ")", "");
          renderWarnings(section, data);
          retryDelay = 2000;
        } catch (error) {
          dirty = true;
          setState(section, "Not saved: " + error.message + ". Your text is kept in this browser; retrying…", "failed");
          retryDelay = Math.min(retryDelay * 2, 30000);
          schedule(retryDelay);
        } finally {
          saving = false;
          if (dirty) schedule(1500);
        }
      }
      section.saveNow = save;
      section.markDirty = function () { dirty = true; schedule(10); };
    });
  }

  function showConflict(section, editor, data, setVersion) {
    const box = section.querySelector(".conflict-box");
    box.hidden = false;
    box.querySelector(".conflict-message").textContent = data.message;
    const theirs = box.querySelector(".their-text");
    // Their text is shown as text (not HTML) so that nothing in it can run.
    theirs.textContent = new DOMParser().parseFromString(data.their_body, "text/html").body.textContent;
    setState(section, "Not saved: someone else changed this section.", "failed");
    box.querySelector(".take-merged").onclick = function () {
      setVersion(data.version);
      section.dataset.version = data.version;
      box.hidden = true;
      section.markDirty();
    };
  }

  function focus(section) {
    focusedSection = section;
    document.querySelectorAll("section.section").forEach(function (s) { s.classList.toggle("focused", s === section); });
    filterPanel();
  }

  function filterPanel() {
    const all = document.getElementById("panel-all").checked;
    const query = document.getElementById("panel-search").value.trim().toLowerCase();
    const categories = focusedSection && focusedSection.dataset.categories ? focusedSection.dataset.categories.split(",") : [];
    const scope = document.getElementById("panel-scope");
    document.querySelectorAll(".panel-events li[data-event]").forEach(function (item) {
      const inCategory = all || !categories.length || categories.indexOf(item.dataset.category) !== -1;
      const matches = !query || item.textContent.toLowerCase().indexOf(query) !== -1;
      item.hidden = !(inCategory && matches);
    });
    if (focusedSection) {
      const title = focusedSection.querySelector(".rename input[name=title]").value;
      scope.firstChild.textContent = (categories.length && !all ? "Facts for “" + title + "”. " : "All facts. ");
    }
  }

  function insertCitation(button) {
    const section = focusedSection || document.querySelector("section.section");
    if (!section || !section.editor) return;
    const editor = section.editor;
    const link = document.createElement("a");
    link.className = "citation";
    link.dataset.event = button.dataset.event;
    link.href = button.dataset.href;
    link.textContent = button.dataset.label;
    const sentence = document.createElement("span");
    sentence.textContent = button.dataset.sentence.trim() + " ";
    const html = "<p>" + sentence.innerHTML + link.outerHTML + "</p>";
    const fragment = editor.data.toModel(editor.data.processor.toView(html));
    editor.model.insertContent(fragment);
    editor.editing.view.focus();
  }

  document.querySelectorAll("button.insert").forEach(function (button) {
    button.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the editor's caret
    button.addEventListener("click", function () { insertCitation(button); });
  });
  document.getElementById("panel-all").addEventListener("change", filterPanel);
  document.getElementById("panel-search").addEventListener("input", filterPanel);
  window.addEventListener("beforeunload", function (event) {
    const unsaved = Array.from(document.querySelectorAll(".save-state.unsaved, .save-state.failed"));
    if (unsaved.length) { event.preventDefault(); event.returnValue = ""; }
  });

  const sections = Array.from(document.querySelectorAll("section.section"));
  Promise.all(sections.map(setupSection)).then(function () {
    const fromHash = window.location.hash ? document.querySelector(window.location.hash) : null;
    focus(fromHash && fromHash.classList.contains("section") ? fromHash : sections[0]);
  }).catch(function (error) {
    document.querySelectorAll(".save-state").forEach(function (s) { s.textContent = "The editor failed to start: " + error; s.className = "save-state failed"; });
  });
})();
