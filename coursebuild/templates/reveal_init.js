(function () {
  "use strict";
  // The build laid the slides out (coursebuild/layout_pass.js): what is
  // left to do here is to start reveal.js.
  Reveal.initialize({
    width: 1280,
    height: 720,
    margin: 0.04,
    minScale: 0.2,
    maxScale: 2.0,
    hash: true,
    center: false,
    transition: "none",
    backgroundTransition: "none",
    display: "flex",
    slideNumber: "c/t",
    showSlideNumber: "all",
    controls: true,
    controlsTutorial: false,
    progress: true,
    preloadIframes: false,
    plugins: [ RevealNotes ]
  });
}());
