/* Server push for live boards (README, "Live updates"; retreats/push.py): the page listens to
   its board's event stream instead of asking once a second.

   #live-push tells it where (data-events) and how: "board" (the participant's board) puts each
   new card in place and fetches the region for anything else; "refresh" (projector, console)
   fetches its region on any event. While the stream is healthy the region's every-1s poll is
   held back; when the stream fails or is refused, polling simply goes on, and the stream is
   tried again later. Without this file (or EventSource) the page polls as before.

   The page never trusts one answer to bring it level: it keeps the highest version any event
   named (`wanted`), and after every swap of its region or failed fetch that leaves the region
   older than that, asks again shortly (one request at a time, a bounded number of times). It
   reopens its stream itself, always with `?v=` of the region it shows, and reopens a stream that
   has said nothing (not even its keep-alive `ping`) for data-silence-ms (35 s). */
(function () {
  "use strict";

  var config = document.getElementById("live-push");
  if (!config || !window.EventSource || !window.htmx) {
    return;
  }
  var mode = config.dataset.mode;
  // The ids of this viewer's own cards on the board (the page's, then each card they add): a
  // card's markup never names its author, only a mark the server matches (retreats/live.py).
  var own = {};
  (config.dataset.own || "").split(" ").forEach(function (id) {
    if (id) {
      own[id] = true;
    }
  });
  var OWN_CARD = /class="idea-card" data-mark="([0-9a-f]{16})" data-card="([0-9a-f-]{36})"/;
  var MARKER = /<!--(?:you|yours):[\w-]*-->/g;
  var GRACE = 3000; // ms a dropped stream has to come back before polling takes over again
  var REOPEN = 1000; // ms before a stream that ended is opened again
  var SILENCE = 35000; // ms without a word (the server pings every 15 s) before a stream counts as dead
  var CATCH_UP = 300; // ms before asking again when the region is still older than an event said
  var CATCH_UP_TRIES = 10; // then the next event (or the fallback poll) starts again
  var source = null;
  var healthy = false;
  var failures = 0;
  var graceTimer = null;
  var retryTimer = null;
  var silenceTimer = null;
  var openTimer = null;
  var fetching = false;
  var fetchAgain = false;
  var wanted = 0; // the highest version any event named
  var catchUpTimer = null;
  var catchUpTries = 0;

  function region() {
    return document.querySelector("[data-live]");
  }

  function version() {
    var live = region();
    return live && live.dataset.version ? Number(live.dataset.version) : null;
  }

  function behind() {
    var seen = version();
    return seen !== null && seen < wanted;
  }

  // --- fetching the region the usual way (the live GET): one in flight, one more if needed.
  // Our fetches carry X-Live-Fetch so that the quieted poll below can tell them apart.
  var HEADER = "X-Live-Fetch";
  var fetchStarted = 0;

  function fetchRegion() {
    var live = region();
    if (!live) {
      return;
    }
    if (fetching && Date.now() - fetchStarted < 15000) {
      fetchAgain = true;
      return;
    }
    clearTimeout(catchUpTimer);
    catchUpTimer = null;
    fetching = true;
    fetchAgain = false;
    fetchStarted = Date.now();
    var headers = {};
    headers[HEADER] = "1";
    window.htmx.ajax("GET", live.getAttribute("hx-get"), { source: live, target: live, swap: "outerHTML", headers: headers });
  }

  // After a swap or a failed fetch: is the region still older than an event said (the server may
  // answer with the room's previous rendering while another request renders the newest; a poll
  // may swap in over cards just put in place), or did the fetch fail? Then ask again shortly.
  function catchUp(failed) {
    if (catchUpTimer || fetching) {
      return;
    }
    if (!failed && !behind()) {
      catchUpTries = 0;
      return;
    }
    if (catchUpTries >= CATCH_UP_TRIES) {
      return;
    }
    catchUpTries += 1;
    catchUpTimer = setTimeout(function () {
      catchUpTimer = null;
      if (failed || behind()) {
        fetchRegion();
      }
    }, Math.min(3000, CATCH_UP * catchUpTries));
  }

  function isOurs(detail) {
    var config = detail && detail.requestConfig;
    return Boolean(config && config.headers && config.headers[HEADER]);
  }

  function isRegionGet(detail) {
    var elt = detail && detail.elt;
    var verb = detail && detail.requestConfig && detail.requestConfig.verb;
    return verb === "get" && elt && elt.hasAttribute && elt.hasAttribute("data-live");
  }

  function fetched(failed) {
    fetching = false;
    if (failed) {
      fetchAgain = false;
      catchUp(true);
    } else if (fetchAgain) {
      fetchRegion();
    } else {
      catchUp(false);
    }
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    if (isOurs(detail)) {
      fetched(Boolean(detail.failed || detail.successful === false));
    } else {
      catchUp(false); // a poll or an action's answer swapped an older region in
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    catchUp(false);
  });

  // Is the page's "Connection lost" banner up (static/js/retreat.js)? Then polls go on (at its
  // backoff): a card or dot is waiting to be sent again, and an answered poll says when to.
  function troubled() {
    var banner = document.getElementById("connection-banner");
    return Boolean(banner && banner.classList.contains("connection-banner--shown"));
  }

  // While the stream is healthy, the region's own every-1s poll stays quiet.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail || {};
    if (!isRegionGet(detail)) {
      return;
    }
    if (!isOurs(detail)) {
      if (healthy && !troubled()) {
        event.preventDefault();
      }
    } else if (event.defaultPrevented) { // held back (a finger on a button, a backoff): later
      fetching = false;
      setTimeout(fetchRegion, 500);
    }
  });

  // --- a new card, put in place: the person's focus and typed words are not touched
  function personal(html) {
    var found = OWN_CARD.exec(html); // an event brings one card
    if (found && own[found[2]]) {
      var mark = found[1];
      html = html.replace(found[0], found[0].replace('class="idea-card"', 'class="idea-card idea-card--mine"'));
      html = html.split("<!--you:" + mark + "-->").join(" (you)");
      html = html.split("<!--yours:" + mark + "-->").join('<p class="idea-card__meta">Your card</p>');
    }
    return html.replace(MARKER, "");
  }

  // A card of one's own already on the board, unmarked (its event came before the writer's
  // answer named it): marked in place, as the server would have drawn it.
  function markOwn(card) {
    card.classList.add("idea-card--mine");
    var author = card.querySelector(".idea-card__meta"); // its author's name, on a board that shows them
    if (author) {
      author.appendChild(document.createTextNode(" (you)"));
    } else {
      var line = document.createElement("p");
      line.className = "idea-card__meta";
      line.textContent = "Your card";
      card.appendChild(line);
    }
  }

  function moveVersion(live, to) {
    live.dataset.version = String(to);
    var url = live.getAttribute("hx-get");
    if (url) {
      live.setAttribute("hx-get", url.replace(/([?&]v=)\d+/, "$1" + to));
      window.htmx.process(live); // the poll (the fallback) asks with the new version
    }
  }

  function listFor(live, quadrant) {
    if (quadrant) {
      var section = live.querySelector(".quadrant--" + quadrant);
      return section ? { list: section.querySelector(".idea-list"), count: section.querySelector(".count") } : null;
    }
    var heading = live.querySelector(".board__heading");
    return { list: live.querySelector(".idea-list--grid"), count: heading && heading.querySelector(".count") };
  }

  function onBoard(live, card) {
    var id = card && card.getAttribute("data-card");
    return Boolean(id && live.querySelector('[data-card="' + window.CSS.escape(id) + '"]'));
  }

  function addCard(data) {
    var live = region();
    var seen = version();
    if (!live || seen === null) {
      return fetchRegion();
    }
    if (data.v <= seen) {
      return; // already on the board
    }
    var place = data.v === seen + 1 && !fetching ? listFor(live, data.quadrant) : null;
    if (!place || !place.list) {
      return fetchRegion(); // a gap (an event missed), or the first card of an empty board
    }
    var template = document.createElement("template");
    template.innerHTML = personal(data.html || "");
    if (!onBoard(live, template.content.firstElementChild)) { // never twice
      place.list.appendChild(template.content);
      if (place.count) {
        place.count.textContent = "(" + place.list.children.length + ")";
      }
    }
    moveVersion(live, data.v);
  }

  function versionMoved(data) {
    var seen = version();
    if (seen !== null && data.v === seen + 1 && !fetching) {
      moveVersion(region(), data.v); // nothing this person may see changed
    } else if (seen === null || data.v > seen) {
      fetchRegion();
    }
  }

  function boardChanged(data) {
    var seen = version();
    if (mode !== "board" || data.v === null || seen === null || data.v > seen) {
      fetchRegion();
    }
  }

  function parse(event) {
    var data;
    try {
      data = JSON.parse(event.data || "{}") || {};
    } catch (error) {
      data = {};
    }
    if (typeof data.v === "number" && data.v > wanted) {
      wanted = data.v;
      catchUpTries = 0;
    }
    return data;
  }

  // --- the stream: healthy, dropped (we open it again ourselves, with ?v=), silent, or refused
  function setHealthy(now) {
    healthy = now;
    config.dataset.state = now ? "streaming" : "polling"; // for people debugging, and the tests
    clearTimeout(graceTimer);
    graceTimer = null;
  }

  function streamUrl() {
    var url = config.dataset.events;
    var seen = version();
    return seen === null ? url : url + (url.indexOf("?") < 0 ? "?" : "&") + "v=" + seen;
  }

  function closeSource() {
    if (source) {
      source.close();
      source = null;
    }
    clearTimeout(silenceTimer);
    clearTimeout(openTimer);
    silenceTimer = openTimer = null;
  }

  // A stream that went quiet for too long (a proxy or a network that dropped it without a word)
  // is opened again, and the page asks once in case something was missed meanwhile.
  function silenceMs() {
    var ms = Number(config.dataset.silenceMs);
    return ms > 0 ? ms : SILENCE;
  }

  function listen() {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(function () {
      silenceTimer = null;
      dropped();
      connect();
      fetchRegion();
    }, silenceMs());
  }

  // A healthy stream stopped: poll again only if it does not come back soon.
  function dropped() {
    closeSource();
    if (healthy && !graceTimer) {
      graceTimer = setTimeout(stopped, GRACE);
    }
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    closeSource();
    var stream = new EventSource(streamUrl());
    var opened = false;
    source = stream;
    listen();

    function on(kind, handler) {
      stream.addEventListener(kind, function (event) {
        if (source !== stream) {
          return; // an old stream's last words
        }
        listen(); // any word is proof of life
        handler(event);
      });
    }

    on("open", function () {
      opened = true;
      failures = 0;
      setHealthy(true);
      if (mode !== "board" && version() === null) {
        // The console shows who joined, which moves no version: the server opens its stream with
        // a `board` event; ask once if that did not come.
        openTimer = setTimeout(function () {
          openTimer = null;
          fetchRegion();
        }, 1000);
      }
    });
    stream.addEventListener("error", function () {
      if (source !== stream) {
        return;
      }
      var refused = stream.readyState === EventSource.CLOSED; // (503: too many streams here)
      if (opened) { // ended (a WSGI stream lasts 25 s) or cut: open it again with ?v=
        dropped();
      } else {
        dropped(); // (the stream it replaced was healthy: poll if none comes back soon)
        failures += 1;
        if (refused || failures >= 3) {
          stopped();
          return;
        }
      }
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, REOPEN);
    });
    on("ping", function () {});
    on("message", function () {});
    if (mode === "board") {
      on("card", function (event) { addCard(parse(event)); });
      on("version", function (event) { versionMoved(parse(event)); });
    } else {
      on("card", function (event) { parse(event); fetchRegion(); });
      on("version", function (event) { parse(event); fetchRegion(); });
      on("room", fetchRegion);
    }
    on("board", function (event) {
      clearTimeout(openTimer);
      openTimer = null;
      boardChanged(parse(event));
    });
    on("gone", function () {
      closeSource();
      window.location.reload(); // the page says why (closed retreat, no access)
    });
  }

  function stopped() {
    setHealthy(false);
    closeSource();
    failures += 1;
    clearTimeout(retryTimer);
    // Polling goes on meanwhile; try the stream again in 5 s, 10 s, 20 s... up to a minute.
    retryTimer = setTimeout(connect, Math.min(60000, 5000 * Math.pow(2, Math.min(failures - 1, 4))));
  }

  // Back from sleep (or from another tab): a stream may have died without a word, so open a
  // fresh one; with ?v= the server sends `board` at once if anything moved meanwhile.
  var hiddenAt = 0;

  function wake() {
    if (document.visibilityState === "hidden") {
      hiddenAt = Date.now();
      return;
    }
    if (!healthy || Date.now() - hiddenAt > 5000) {
      connect();
    }
  }

  document.addEventListener("visibilitychange", wake);
  window.addEventListener("online", function () {
    failures = 0;
    connect();
  });

  // The writer's answer (views.participant.card_add) names the card just added: it is marked as
  // theirs when its event comes; if the event came first, the board is fetched (marked by the
  // server).
  document.addEventListener("live:mine", function (event) {
    var value = event.detail && event.detail.value;
    if (!value) {
      return;
    }
    var id = String(value);
    own[id] = true;
    var card = document.querySelector('.idea-card[data-card="' + window.CSS.escape(id) + '"]');
    if (card && !card.classList.contains("idea-card--mine")) {
      markOwn(card); // (not come yet: it is marked as it comes)
    }
  });

  wanted = version() || 0;
  connect();
})();
