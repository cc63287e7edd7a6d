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

  // --- connection trouble (see README, "Exactly-once cards and votes"): when a poll or a card or
  // dot fails (no network, a 5xx, a timeout), a polite banner says so, polls back off (1 s, 2 s,
  // 4 s... up to 15 s), and the card or dot is sent again with the same idempotency key, so the
  // server takes it once however many tries it needs. Typed words stay: a failed request swaps
  // nothing. The banner clears when the server answers again.
  var LOST = "Connection lost, retrying\u2026 your card is kept.";
  var TIMEOUT = 10000; // ms: a frozen server counts as lost, not as a spinner forever
  var failures = 0;
  var waitUntil = 0;
  var pending = null; // {id, path, values}: the submission to send again
  var retryTimer = null;

  function backoff() {
    return Math.min(15000, 1000 * Math.pow(2, Math.max(0, failures - 1)));
  }

  function isSubmission(elt, verb) {
    return verb === "post" && elt && elt.matches && elt.matches("#add-card, form.dots");
  }

  function isPoll(elt, verb) {
    return verb === "get" && elt && elt.hasAttribute && elt.hasAttribute("data-live");
  }

  function showBanner(shown) {
    var banner = document.getElementById("connection-banner");
    if (!banner) {
      return;
    }
    var text = shown ? LOST : "";
    if (banner.textContent !== text) {
      banner.textContent = text;
    }
    banner.classList.toggle("connection-banner--shown", shown);
  }

  function resend() {
    retryTimer = null;
    if (!pending || !window.htmx) {
      return;
    }
    var source = document.getElementById(pending.id);
    if (!source) { // the board moved on (e.g. voting closed): nothing left to send it to
      pending = null;
      return;
    }
    window.htmx.ajax("POST", pending.path, { source: source, values: pending.values });
  }

  function lost() {
    failures += 1;
    waitUntil = Date.now() + backoff();
    showBanner(true);
    if (pending) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(resend, backoff());
    }
  }

  function answered() {
    failures = 0;
    waitUntil = 0;
    showBanner(false);
    if (pending && retryTimer) { // the server is back: send the kept card now
      clearTimeout(retryTimer);
      resend();
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (isPoll(detail.elt, detail.verb) || isSubmission(detail.elt, detail.verb)) {
      detail.timeout = detail.timeout || TIMEOUT;
    }
    if (isSubmission(detail.elt, detail.verb)) {
      var values = {};
      (detail.formData || new FormData()).forEach(function (value, name) { values[name] = value; });
      pending = { id: detail.elt.id, path: detail.path, values: values };
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail || {};
    if (isPoll(detail.elt, detail.requestConfig && detail.requestConfig.verb) && Date.now() < waitUntil) {
      event.preventDefault(); // backing off: a later poll tries again
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var verb = detail.requestConfig && detail.requestConfig.verb;
    if (!isPoll(detail.elt, verb) && !isSubmission(detail.elt, verb)) {
      return;
    }
    var status = detail.xhr ? detail.xhr.status : 0;
    if (status === 0 || status >= 500) {
      lost();
      return;
    }
    if (isSubmission(detail.elt, verb)) {
      pending = null; // answered (taken, or refused with a reason shown next to the field)
    }
    answered();
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
