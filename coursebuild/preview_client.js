// Sent by `build.py preview` at the end of every HTML page it serves; never
// written to the output folder. Reloads the page on the slide it showed when
// the build changed it, and shows a build error over the last good slides.
(function () {
  "use strict";
  // The speaker view's frames show the deck too: the speaker view follows its deck.
  if (/receiver/.test(location.search)) return;
  var page = location.pathname;
  var slideKey = "preview-slide:" + page;
  // Set when this load is the preview's reload: the speaker view then needs new slides.
  var reloaded = sessionStorage.getItem(slideKey) !== null;

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

  // An open speaker view outlives the reload: reveal's notes plugin reconnects to it
  // at its next heartbeat, but its frames still show the old slides. They are
  // reloaded, and once they are, the notes plugin is made to send the current state.
  function refreshSpeakerView(event) {
    if (!reloaded || typeof event.data !== "string") return;
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!message || message.namespace !== "reveal-notes" || message.type !== "heartbeat") return;
    reloaded = false;
    var frames = event.source.document.querySelectorAll("iframe");
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

  window.addEventListener("message", refreshSpeakerView);
  var events = new EventSource("/__preview/events?page=" + encodeURIComponent(page));
  events.addEventListener("reload", reload);
  events.addEventListener("error", function (event) {
    // A lost connection fires "error" too, without data: the server is gone or restarting.
    if (typeof event.data === "string") showError(event.data);
  });
  events.addEventListener("ok", hideError);
  if (document.readyState === "complete") restore();
  else window.addEventListener("load", restore);
})();
