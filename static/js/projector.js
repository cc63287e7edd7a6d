/* The projector shows every card: it fits the board to the screen (full size, then long cards cut
   short with their full text one click away, then smaller type) and, when the cards still do not
   fit, splits each box (a quadrant, the themes, the cards, the ranking) into pages it turns by
   itself, with a visible "Page 1 of 3", a pause button and keys. The live region is replaced when
   the board changes (htmx, every second at most): the page survives that, turns to a new card when
   one arrives, and starts again from page 1 when the board becomes another kind (a new stage).
   Without this file the board is shown whole, as before. */
(function () {
  "use strict";

  var STEPS = [
    { scale: 1, dense: false },
    { scale: 1, dense: true },
    { scale: 0.9, dense: true },
    { scale: 0.8, dense: true }, // about 24 px on a 1920 px screen: the smallest a room can read
  ];
  var DWELL = 15000; // ms on each page
  var ITEMS = ".projector-card, .ranking__line";
  var GROUPS = ".projector-theme";
  var OFF = "projector-fit-off";
  var motion = window.matchMedia("(prefers-reduced-motion: no-preference)");
  var small = window.matchMedia("(max-width: 48rem)"); // the stylesheet lets a small screen scroll

  var state = { live: null, view: null, boxes: [], total: 1, page: 0, paused: false, timer: null };

  function keyOf(item) {
    // a card by its id, a ranking line by what it ranks (its dots change while the room votes)
    return item.dataset.card || (item.querySelector(".ranking__label") || item).textContent.trim();
  }

  function itemsOf(box) {
    return Array.prototype.slice.call(box.querySelectorAll(ITEMS));
  }

  // --- measuring -------------------------------------------------------------------------------
  function inside(rect, frame) {
    return rect.top >= frame.top - 0.5 && rect.left >= frame.left - 0.5 &&
      rect.bottom <= frame.bottom + 0.5 && rect.right <= frame.right + 0.5;
  }

  function frameOf(box) {
    // the box's padding edge (its overflow clips there), and never past the screen
    var rect = box.getBoundingClientRect();
    var style = getComputedStyle(box);
    return {
      top: Math.max(rect.top + parseFloat(style.borderTopWidth), 0),
      left: Math.max(rect.left + parseFloat(style.borderLeftWidth), 0),
      bottom: Math.min(rect.bottom - parseFloat(style.borderBottomWidth), window.innerHeight),
      right: Math.min(rect.right - parseFloat(style.borderRightWidth), window.innerWidth),
    };
  }

  function fits(box, items) {
    var frame = frameOf(box);
    return (items || itemsOf(box)).every(function (item) {
      return item.classList.contains(OFF) || inside(item.getBoundingClientRect(), frame);
    });
  }

  function showGroups(box) {
    // a theme shows when one of its cards is on this page (or when it has none at all)
    box.querySelectorAll(GROUPS).forEach(function (group) {
      var items = group.querySelectorAll(ITEMS);
      var on = group.querySelectorAll(".projector-card:not(." + OFF + ")");
      group.classList.toggle(OFF, items.length > 0 && on.length === 0);
    });
  }

  function show(box, keep) {
    itemsOf(box).forEach(function (item) {
      item.classList.toggle(OFF, !keep(item));
    });
    showGroups(box);
  }

  // Greedy pages: add the box's items in order while everything shown still fits.
  function paginate(box) {
    var pages = [[]];
    show(box, function () { return false; });
    itemsOf(box).forEach(function (item) {
      item.classList.remove(OFF);
      showGroups(box);
      var page = pages[pages.length - 1];
      if (page.length && !fits(box, page.concat([item]))) {
        page.forEach(function (earlier) { earlier.classList.add(OFF); });
        showGroups(box);
        pages.push([]);
      }
      pages[pages.length - 1].push(item);
    });
    return pages.map(function (page) { return page.map(keyOf); });
  }

  function apply(board, step) {
    board.style.setProperty("--fit-scale", step.scale);
    board.classList.toggle("projector--dense", step.dense);
  }

  // --- fitting and turning ---------------------------------------------------------------------
  function fit(board) {
    var boxes = Array.prototype.slice.call(board.querySelectorAll("[data-fit-box]"));
    var step;
    for (var i = 0; i < STEPS.length; i += 1) {
      step = STEPS[i];
      apply(board, step);
      boxes.forEach(function (box) { show(box, function () { return true; }); });
      if (boxes.every(function (box) { return fits(box); })) {
        return boxes.map(function (box) { return { box: box, pages: [itemsOf(box).map(keyOf)] }; });
      }
    }
    return boxes.map(function (box) { return { box: box, pages: paginate(box) }; });
  }

  function pageOf(key) {
    for (var i = 0; i < state.boxes.length; i += 1) {
      var pages = state.boxes[i].pages;
      for (var p = 0; p < pages.length; p += 1) {
        if (pages[p].indexOf(key) !== -1) {
          return p;
        }
      }
    }
    return -1;
  }

  function render(animate) {
    var board = state.live && state.live.querySelector("[data-fit-board]");
    state.boxes.forEach(function (entry) {
      var page = entry.pages[state.page % entry.pages.length];
      show(entry.box, function (item) { return page.indexOf(keyOf(item)) !== -1; });
    });
    if (board && animate && motion.matches && state.total > 1) {
      board.classList.remove("projector--turning");
      void board.offsetWidth; // start the fade again
      board.classList.add("projector--turning");
    }
    var pager = document.querySelector("[data-pager]");
    if (!pager) {
      return;
    }
    pager.classList.toggle("projector-pager--single", state.total < 2);
    var where = pager.querySelector("[data-pager-where]");
    where.textContent = state.total < 2 ? "" :
      "Page " + (state.page + 1) + " of " + state.total + (state.paused ? " · paused" : "");
    var pause = pager.querySelector("[data-pager-pause]");
    pause.setAttribute("aria-pressed", state.paused ? "true" : "false");
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = null;
    var dialog = document.querySelector("[data-card-dialog]");
    if (state.paused || state.total < 2 || (dialog && dialog.open)) {
      return;
    }
    state.timer = setTimeout(function () {
      state.timer = null;
      turn(1, undefined, false);
    }, DWELL);
  }

  function turn(by, to, byHand) {
    if (state.total < 2) {
      return;
    }
    var next = to === undefined ? state.page + by : to;
    state.page = ((next % state.total) + state.total) % state.total;
    render(true);
    schedule();
    var said = document.querySelector("[data-pager-said]");
    if (said && byHand) {
      // heard only when someone turns the page: the timer's turns would talk every 15 seconds
      said.textContent = "Page " + (state.page + 1) + " of " + state.total;
    }
  }

  function refit() {
    var live = document.getElementById("projector-live");
    var board = live && live.querySelector("[data-fit-board]");
    var pager = document.querySelector("[data-pager]");
    if (!board || small.matches) {
      // a small screen scrolls: the whole board, as the page was before it was fitted
      state.live = live;
      state.boxes = [];
      state.total = 1;
      if (board) {
        apply(board, STEPS[0]);
        board.querySelectorAll("." + OFF).forEach(function (item) { item.classList.remove(OFF); });
      }
      if (pager) {
        pager.hidden = true;
      }
      schedule();
      return;
    }
    if (pager) {
      pager.hidden = false; // before measuring: the pager's row is part of the screen
    }
    // what the room saw: the first item on the page, and every item the board had
    var anchor = null;
    var before = new Set();
    if (state.live) {
      Array.prototype.forEach.call(state.live.querySelectorAll(ITEMS), function (item) {
        before.add(keyOf(item));
        if (anchor === null && !item.classList.contains(OFF)) {
          anchor = keyOf(item);
        }
      });
    }
    var sameView = state.view === board.dataset.fitView;
    state.live = live;
    state.view = board.dataset.fitView;
    state.boxes = fit(board);
    state.total = state.boxes.reduce(function (most, entry) {
      return Math.max(most, entry.pages.length);
    }, 1);
    var arrived = !sameView ? [] : itemsOf(board).map(keyOf).filter(function (key) {
      return !before.has(key);
    });
    var page = 0;
    if (arrived.length) {
      page = Math.max(pageOf(arrived[0]), 0); // a new card: turn to it
    } else if (sameView && anchor !== null && pageOf(anchor) !== -1) {
      page = pageOf(anchor);
    } else if (sameView) {
      page = Math.min(state.page, state.total - 1);
    }
    var moved = page !== state.page || !sameView || arrived.length > 0;
    state.page = page;
    render(false);
    if (moved || state.timer === null) {
      schedule(); // a full turn on a page the room has not seen yet
    }
  }

  // --- the full text of a long card ------------------------------------------------------------
  function openCard(button) {
    var dialog = document.querySelector("[data-card-dialog]");
    if (!dialog || !dialog.showModal) {
      return;
    }
    var group = button.dataset.cardGroup;
    dialog.querySelector("[data-card-dialog-title]").textContent =
      group ? group + ": the full card" : "The full card";
    dialog.querySelector("[data-card-dialog-text]").textContent = button.textContent.trim();
    dialog.showModal();
    schedule(); // no turning under an open card
  }

  // --- wiring ----------------------------------------------------------------------------------
  function start() {
    var main = document.getElementById("main");
    var pager = document.querySelector("[data-pager]");
    if (!main || !pager) {
      return;
    }
    pager.querySelector("[data-pager-previous]").addEventListener("click", function () {
      turn(-1, undefined, true);
    });
    pager.querySelector("[data-pager-next]").addEventListener("click", function () {
      turn(1, undefined, true);
    });
    pager.querySelector("[data-pager-pause]").addEventListener("click", function () {
      state.paused = !state.paused;
      render(false);
      schedule();
    });
    var dialog = document.querySelector("[data-card-dialog]");
    if (dialog) {
      dialog.addEventListener("close", schedule);
    }
    main.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-card-open]");
      if (button) {
        openCard(button);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || (dialog && dialog.open)) {
        return;
      }
      var onControl = event.target.closest &&
        event.target.closest("button, a, input, select, textarea");
      var actions = {
        ArrowRight: function () { turn(1, undefined, true); },
        PageDown: function () { turn(1, undefined, true); },
        ArrowLeft: function () { turn(-1, undefined, true); },
        PageUp: function () { turn(-1, undefined, true); },
        Home: function () { turn(0, 0, true); },
        End: function () { turn(0, state.total - 1, true); },
        p: function () { pager.querySelector("[data-pager-pause]").click(); },
        P: function () { pager.querySelector("[data-pager-pause]").click(); },
      };
      if (!onControl && event.key === " ") {
        actions[" "] = function () { turn(1, undefined, true); };
      }
      if (actions[event.key]) {
        event.preventDefault();
        actions[event.key]();
      }
    });
    // The live region is replaced whole: fit the new one before the browser paints it.
    new MutationObserver(function () {
      if (document.getElementById("projector-live") !== state.live) {
        refit();
      }
    }).observe(main, { childList: true });
    var resizing = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(refit, 150);
    });
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(refit);
    }
    refit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
