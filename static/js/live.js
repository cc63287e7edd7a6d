/* Server push for live boards (README, "Live updates"; retreats/push.py): the page listens to
   its board's event stream instead of asking once a second.

   #live-push tells it where (data-events) and how: "board" (the participant's board) puts each
   new card in place and fetches the region for anything else; "refresh" (projector, console)
   fetches its region on any event. While the stream is healthy the region's every-1s poll is
   held back; when the stream fails or is refused, polling simply goes on, and the stream is
   tried again later. Without this file (or EventSource) the page polls as before. */
(function () {
  "use strict";

  var config = document.getElementById("live-push");
  if (!config || !window.EventSource || !window.htmx) {
    return;
  }
  var mode = config.dataset.mode;
  var me = config.dataset.me || "";
  var MARKER = /<!--(?:you|yours):[\w-]*-->/g;
  var GRACE = 3000; // ms a dropped stream has to come back before polling takes over again
  var source = null;
  var healthy = false;
  var failures = 0;
  var graceTimer = null;
  var retryTimer = null;
  var fetching = false;
  var fetchAgain = false;

  function region() {
    return document.querySelector("[data-live]");
  }

  function version() {
    var live = region();
    return live && live.dataset.version ? Number(live.dataset.version) : null;
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
    fetching = true;
    fetchAgain = false;
    fetchStarted = Date.now();
    var headers = {};
    headers[HEADER] = "1";
    window.htmx.ajax("GET", live.getAttribute("hx-get"), { source: live, target: live, swap: "outerHTML", headers: headers });
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

  function fetched() {
    fetching = false;
    if (fetchAgain) {
      fetchRegion();
    }
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (isOurs(event.detail)) {
      fetched();
    }
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
    if (me) {
      html = html.split('class="idea-card" data-author="' + me + '"').join('class="idea-card idea-card--mine" data-author="' + me + '"');
      html = html.split("<!--you:" + me + "-->").join(" (you)");
      html = html.split("<!--yours:" + me + "-->").join('<p class="idea-card__meta">Your card</p>');
    }
    return html.replace(MARKER, "");
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
    template.innerHTML = personal(data.html);
    place.list.appendChild(template.content);
    if (place.count) {
      place.count.textContent = "(" + place.list.children.length + ")";
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
    try {
      return JSON.parse(event.data || "{}");
    } catch (error) {
      return {};
    }
  }

  // --- the stream: healthy, dropped (the browser reconnects by itself), or refused
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

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (source) {
      source.close();
    }
    source = new EventSource(streamUrl());
    source.addEventListener("open", function () {
      failures = 0;
      setHealthy(true);
      if (mode !== "board") {
        fetchRegion(); // the console's stamp also counts who joined: ask once (often a 204)
      }
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) { // refused (503: too many streams here)
        stopped();
        return;
      }
      // Dropped: the browser reconnects at once (a WSGI stream ends every 25 s). Poll only if
      // it does not come back soon.
      if (healthy && !graceTimer) {
        graceTimer = setTimeout(function () { stopped(); }, GRACE);
      } else if (!healthy) {
        failures += 1;
        if (failures >= 3) {
          stopped();
        }
      }
    });
    if (mode === "board") {
      source.addEventListener("card", function (event) { addCard(parse(event)); });
      source.addEventListener("version", function (event) { versionMoved(parse(event)); });
    } else {
      source.addEventListener("card", fetchRegion);
      source.addEventListener("version", fetchRegion);
      source.addEventListener("room", fetchRegion);
    }
    source.addEventListener("board", function (event) { boardChanged(parse(event)); });
    source.addEventListener("gone", function () {
      source.close();
      window.location.reload(); // the page says why (closed retreat, no access)
    });
  }

  function stopped() {
    setHealthy(false);
    if (source) {
      source.close();
      source = null;
    }
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

  // The writer's answer (views.participant.card_add) says who "me" is: a member joins on their
  // first card.
  document.addEventListener("live:me", function (event) {
    var value = event.detail && event.detail.value;
    if (value && !me) {
      me = String(value);
      config.dataset.me = me;
      fetchRegion(); // a first card may have come in unmarked
    }
  });

  connect();
})();
