// The plan page: drag an element within its list to reorder it (the Up and Down buttons do the
// same from the keyboard). A drop posts the list's new order; the server answers with the tree.
(function () {
  "use strict";
  var dragged = null;

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
