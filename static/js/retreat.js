/* Live retreat boards (the participant's board and the projector): the countdown, the card's
   character count, full screen, and no board swap under a finger that is pressing a button.
   Everything works without this file; it only makes the pages kinder. */
(function () {
  "use strict";

  // --- countdown: ticks from the seconds left the server rendered, so a wrong clock does not matter
  var deadlines = new WeakMap();

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-seconds-left]").forEach(function (element) {
      if (!deadlines.has(element)) {
        deadlines.set(element, now + Number(element.dataset.secondsLeft) * 1000);
      }
      var left = Math.max(0, Math.round((deadlines.get(element) - now) / 1000));
      var text = left > 0 ? clock(left) : "Time is up";
      if (element.textContent !== text) {
        element.textContent = text;
      }
    });
  }

  // --- the card's character count: the server refuses more, this just says so while typing
  function count(field) {
    var max = Number(field.dataset.maxChars);
    var length = Array.from(field.value.trim()).length; // characters, as the server counts
    var shown = document.querySelector('[data-count-for="' + field.id + '"]');
    var alert = document.querySelector('[data-count-alert-for="' + field.id + '"]');
    var over = length > max;
    if (shown) {
      shown.textContent = length + " of " + max + " characters";
      shown.classList.toggle("char-count--over", over);
    }
    if (alert && over !== (alert.dataset.over === "1")) {
      alert.dataset.over = over ? "1" : "0";
      alert.textContent = over ? "Keep it to " + max + " characters: this one has " + length + "." : "";
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-max-chars]")) {
      count(event.target);
    }
  });

  function countAll() {
    document.querySelectorAll("textarea[data-max-chars]").forEach(count);
  }

  // --- a poll must not swap the board between pressing a dot button and letting go of it
  var pressing = false;
  document.addEventListener("pointerdown", function () { pressing = true; });
  ["pointerup", "pointercancel"].forEach(function (name) {
    document.addEventListener(name, function () { setTimeout(function () { pressing = false; }, 0); });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (pressing && source && source.hasAttribute("data-live") && event.detail.requestConfig.verb === "get") {
      event.preventDefault(); // the next poll, a second later, catches up
    }
  });

  // --- a stage change or lock that swaps the add-card form leaves half-typed words alone: the
  // form stays, and if it is sent the server says why it cannot take the card, words kept
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "card-form-region") {
      return;
    }
    var field = target.querySelector("textarea");
    if (field && field.value.trim()) {
      event.detail.shouldSwap = false;
    }
  });

  // --- the projector's full-screen button
  function fullscreenButton() {
    var button = document.querySelector("[data-fullscreen]");
    if (!button || !document.fullscreenEnabled) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen();
      }
    });
    document.addEventListener("fullscreenchange", function () {
      button.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    });
  }

  function start() {
    countAll();
    tick();
    setInterval(tick, 250);
    fullscreenButton();
    document.addEventListener("htmx:afterSettle", function () {
      countAll();
      tick();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
