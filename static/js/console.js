/* The facilitator's console: the live region refreshes itself every second (htmx polling, like
   every other screen), except while the facilitator is in the middle of something there: cards
   ticked for a merge, a card being edited, or the cursor in a field (the timer's minutes, the
   card to keep). The countdown comes from retreat.js. Everything works without this file; it
   only keeps work from vanishing. */
(function () {
  "use strict";

  function busy(region) {
    if (region.querySelector("[data-merge-box]:checked, .mod-card--editing")) {
      return true;
    }
    var active = document.activeElement;
    return Boolean(active && region.contains(active) && active.matches("input, select, textarea"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (source && source.id === "console-live" && busy(source)) {
      event.preventDefault(); // the next poll, a second later, asks again
    }
  });
})();
