// The plan page: drag an element within its list to reorder it (the Up and Down buttons do the
// same from the keyboard). A drop posts the list's new order; the server answers with the tree.
// Focus follows the work: a form opened in place (Edit, Add, Move to another goal) gets focus in
// its first field (or its first mistake); saving or cancelling it puts focus back on the element
// (its Edit button) or on the button that opened it, at the place on screen where the form was,
// so the page does not jump.
(function () {
  "use strict";
  var dragged = null;
  var FORM = ".plan-el--editing, .plan-move-goal--open";
  var pending = null; // the open form being saved or cancelled: its id and where it was on screen

  function firstField(form) {
    return (
      form.querySelector(".field--invalid input, .field--invalid select, .field--invalid textarea") ||
      form.querySelector("input:not([type=hidden]), select, textarea")
    );
  }

  function control(place) {
    // An element's own Edit button, else the first link or button in the place (an add button).
    var edit = place.dataset.id && document.getElementById("edit-" + place.dataset.id);
    return edit || place.querySelector("a[href], button");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest(FORM);
    pending = form ? { id: form.id, top: form.getBoundingClientRect().top } : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.target;
    if (swapped.matches && swapped.matches(FORM)) {
      // A form opened, or came back with its mistakes: focus where typing goes.
      pending = null;
      var field = firstField(swapped);
      if (field) {
        field.focus();
      }
      return;
    }
    if (swapped.id !== "plan-tree" || !pending) {
      return; // Up and Down: htmx keeps focus on the button pressed
    }
    var place = document.getElementById(swapped.dataset.focus || pending.id) ||
      document.getElementById(pending.id);
    var where = pending.top;
    pending = null;
    if (!place) {
      return;
    }
    window.scrollBy(0, place.getBoundingClientRect().top - where);
    var target = control(place);
    if (target) {
      target.focus({ preventScroll: true });
    }
  });

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("li[data-reorder-url]");
    if (!item) {
      return;
    }
    dragged = item;
    item.classList.add("plan-el--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.id);
    event.stopPropagation();
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) {
      return;
    }
    var over = event.target.closest && event.target.closest("li[data-reorder-url]");
    if (!over || over === dragged || over.parentElement !== dragged.parentElement) {
      return;
    }
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("dragend", function () {
    if (!dragged) {
      return;
    }
    var item = dragged;
    dragged = null;
    item.classList.remove("plan-el--dragging");
    var order = Array.prototype.map.call(
      item.parentElement.querySelectorAll(":scope > li[data-id]"),
      function (li) { return li.dataset.id; }
    );
    htmx.ajax("POST", item.dataset.reorderUrl, {
      target: "#plan-tree",
      swap: "outerHTML",
      values: { order: order },
    });
  });
})();
