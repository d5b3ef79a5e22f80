// The query page: pick a named query as a starting point; Ctrl+Enter (or Cmd+Enter) runs the query.
(function () {
  "use strict";
  var select = document.getElementById("examples");
  var editor = document.getElementById("query");
  var form = document.getElementById("query-form");
  if (!select || !editor || !form) {
    return;
  }
  var texts = {};
  document.querySelectorAll("#example-texts pre").forEach(function (pre) {
    texts[pre.getAttribute("data-name")] = pre.textContent;
  });
  select.addEventListener("change", function () {
    if (texts[select.value] !== undefined) {
      editor.value = texts[select.value];
      editor.focus();
    }
  });
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.submit();
    }
    // Tab inserts two spaces instead of leaving the editor.
    if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = editor.selectionStart;
      editor.value = editor.value.slice(0, start) + "  " + editor.value.slice(editor.selectionEnd);
      editor.selectionStart = editor.selectionEnd = start + 2;
    }
  });
}());
