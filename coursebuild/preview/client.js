// Sent by `build.py preview` at the end of every HTML page it serves; never
// written to the output folder. When the build changes a deck, swaps its slides
// in place and stays on the slide it showed (a whole reload when more than the
// slides changed, or for other pages), and shows a build error over the last
// good slides.
(function () {
  "use strict";
  // The speaker view's frames show the deck too: the speaker view follows its deck.
  if (/receiver/.test(location.search)) return;
  var page = location.pathname;
  // The server's digest of the page without its slides (preview_server.shell_digest).
  var shell = document.currentScript && document.currentScript.getAttribute("data-shell");
  var speakerView = null;
  var slideKey = "preview-slide:" + page;
  // Set when the slides changed under an open speaker view: its frames need new slides.
  var speakerFramesStale = sessionStorage.getItem(slideKey) !== null;

  function deck() {
    return typeof Reveal !== "undefined" && Reveal.getIndices ? Reveal : null;
  }

  function showError(message) {
    var box = document.getElementById("preview-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "preview-error";
      box.style.cssText =
        "position:fixed;left:0;right:0;top:0;z-index:2147483647;margin:0;padding:0.6em 1em;" +
        "background:#8b0000;color:#fff;font:16px/1.4 monospace;white-space:pre-wrap;";
      document.body.appendChild(box);
    }
    box.textContent = message;
  }

  function hideError() {
    var box = document.getElementById("preview-error");
    if (box) box.remove();
  }

  function reload() {
    var reveal = deck();
    if (reveal) sessionStorage.setItem(slideKey, JSON.stringify(reveal.getIndices()));
    location.reload();
  }

  function shellOf(fresh) {
    var script = fresh.querySelector("script[data-shell]");
    return script && script.getAttribute("data-shell");
  }

  // Swapping the slides keeps the page, its scroll and zoom, and skips parsing and
  // starting reveal.js again: the edit is on screen sooner than with a reload.
  function swapSlides(fresh) {
    var reveal = deck();
    var slides = document.querySelector(".reveal .slides");
    var freshSlides = fresh.querySelector(".reveal .slides");
    var at = reveal.getIndices();
    // A copy first: adopting a node takes it out of the live childNodes list.
    var nodes = Array.prototype.slice.call(freshSlides.childNodes);
    slides.replaceChildren.apply(slides, nodes.map(document.adoptNode, document));
    reveal.sync();
    reveal.slide(at.h, at.v, at.f);
    speakerFramesStale = true;
    refreshSpeakerFrames();
  }

  var latest = 0;

  function update() {
    if (!deck() || !shell) return reload();
    var request = ++latest;
    fetch(page, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.text();
      })
      .then(function (text) {
        if (request !== latest) return; // a later build's page is on its way
        var fresh = new DOMParser().parseFromString(text, "text/html");
        if (shellOf(fresh) !== shell || !fresh.querySelector(".reveal .slides")) return reload();
        swapSlides(fresh);
        // A changed deck is a build that succeeded: the error it followed is gone
        // (the server sends "reload" to this page, not "ok").
        hideError();
      })
      .catch(reload);
  }

  function restore() {
    var reveal = deck();
    var saved = sessionStorage.getItem(slideKey);
    sessionStorage.removeItem(slideKey);
    if (!reveal) return;
    var go = function () {
      if (saved) {
        var at = JSON.parse(saved);
        reveal.slide(at.h, at.v, at.f);
      }
    };
    if (reveal.isReady()) go();
    else reveal.on("ready", go);
  }

  // An open speaker view outlives a reload: reveal's notes plugin reconnects to it
  // at its next heartbeat (every second), but its frames still show the old slides.
  // They are speakerFramesStale, and once they are, the notes plugin is made to send the
  // current state. After a swap the page is the same, and so is the connection.
  function heardSpeakerView(event) {
    if (typeof event.data !== "string") return;
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!message || message.namespace !== "reveal-notes" || message.type !== "heartbeat") return;
    speakerView = event.source;
    refreshSpeakerFrames();
  }

  function refreshSpeakerFrames() {
    if (!speakerFramesStale || !speakerView || speakerView.closed) return;
    speakerFramesStale = false;
    var frames = speakerView.document.querySelectorAll("iframe");
    var waiting = frames.length;
    frames.forEach(function (frame) {
      frame.addEventListener(
        "load",
        function () {
          waiting -= 1;
          // "resumed" is one of the events on which the plugin sends the state.
          if (waiting === 0 && deck()) Reveal.dispatchEvent({ type: "resumed" });
        },
        { once: true }
      );
      frame.contentWindow.location.reload();
    });
  }

  window.addEventListener("message", heardSpeakerView);
  var events = new EventSource("/__preview/events?page=" + encodeURIComponent(page));
  events.addEventListener("reload", update);
  events.addEventListener("error", function (event) {
    // A lost connection fires "error" too, without data: the server is gone or restarting.
    if (typeof event.data === "string") showError(event.data);
  });
  events.addEventListener("ok", hideError);
  if (document.readyState === "complete") restore();
  else window.addEventListener("load", restore);
})();
