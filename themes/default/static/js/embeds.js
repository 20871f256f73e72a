/* Embeds of gen's default theme: a card becomes the service's frame only when the reader asks.
 * Until then the page loads nothing from the service (the card is plain HTML with a link, which
 * is all there is with JavaScript off). A reader may ask to always load one service's content
 * (when the site turns on [embeds] remember); the choice stays in this browser's localStorage. */
(function () {
  "use strict";
  var KEY = "gen-embeds";

  function remembered() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function remember(service) {
    try {
      var r = remembered();
      r[service] = true;
      window.localStorage.setItem(KEY, JSON.stringify(r));
    } catch (e) {
      /* Storage refused (private mode): the choice lasts for this page only. */
    }
  }

  function load(fig, focus) {
    var card = fig.querySelector(".embed-card");
    if (!card) return;
    var frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.src = fig.getAttribute("data-embed-src");
    frame.title = fig.getAttribute("data-embed-title");
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    card.parentNode.replaceChild(frame, card);
    fig.classList.add("embed-loaded");
    if (focus) frame.focus();
  }

  var figures = document.querySelectorAll("figure[data-embed-src]");
  var chosen = remembered();
  Array.prototype.forEach.call(figures, function (fig) {
    var service = fig.getAttribute("data-embed");
    if (fig.hasAttribute("data-embed-remember") && chosen[service] === true) {
      load(fig, false);
      return;
    }
    var actions = fig.querySelector(".embed-actions");
    var button = fig.querySelector(".embed-load");
    if (!actions || !button) return;
    actions.hidden = false;
    /* A <button>: Enter and Space activate it like a click. */
    button.addEventListener("click", function () {
      var box = fig.querySelector(".embed-remember input");
      if (box && box.checked) {
        remember(service);
        Array.prototype.forEach.call(
          document.querySelectorAll('figure[data-embed="' + service + '"]'),
          function (other) { load(other, other === fig); }
        );
      } else {
        load(fig, true);
      }
    });
  });

  /* Post frames (Telegram, X) report their height; only theirs are listened to. */
  var heights = {
    "https://t.me": function (d) { return d && d.event === "resize" && d.height; },
    "https://platform.twitter.com": function (d) {
      var e = d && d["twttr.embed"];
      return e && e.method === "twttr.private.resize" && e.params && e.params[0] && e.params[0].height;
    }
  };
  window.addEventListener("message", function (ev) {
    var read = heights[ev.origin];
    if (!read) return;
    var data = ev.data;
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    var h = parseInt(read(data), 10);
    if (!(h > 0 && h < 5000)) return;
    Array.prototype.forEach.call(document.querySelectorAll("iframe.embed-frame"), function (f) {
      if (f.contentWindow === ev.source) f.style.height = h + "px";
    });
  });
})();
