/* Grouping cards into themes by drag and drop. Dropping a card on a theme sets the card's own
   theme menu and submits its form, so drag and drop and the keyboard path (the menu and "Move")
   make the same request. Without this file the menu still works, as a plain form. */
(function () {
  "use strict";
  var dragged = null;

  function columnOf(event) {
    return event.target instanceof Element ? event.target.closest("[data-drop-theme]") : null;
  }

  function clearTargets() {
    document.querySelectorAll(".is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element ? event.target.closest("[data-card]") : null;
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.card);
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragging");
    }
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event);
    if (!column || !dragged) {
      return;
    }
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("is-drop-target")) {
      clearTargets();
      column.classList.add("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event);
    if (!column || !dragged) {
      return;
    }
    event.preventDefault();
    clearTargets();
    var form = dragged.querySelector("form");
    var menu = form && form.querySelector("select[name=theme]");
    if (!menu || menu.value === column.dataset.dropTheme) {
      return;
    }
    menu.value = column.dataset.dropTheme;
    form.requestSubmit(); // htmx sends it, like pressing "Move"
  });
})();
