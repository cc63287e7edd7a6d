// Entering listening-session comments quickly: Enter adds the comment (Shift+Enter makes a new
// line), and after the list refreshes the cursor is back in the comment box, with the group
// chosen last still chosen (the server keeps it).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!box.matches || !box.matches("form[data-enter-submits] textarea")) return;
    event.preventDefault();
    box.form.requestSubmit();
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "entry") return;
    var entry = document.getElementById("entry");
    var box = entry && entry.querySelector("textarea");
    if (box) box.focus();
  });
})();
