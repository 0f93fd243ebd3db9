// newsgen preview: reload this tab when the site is rebuilt. Injected by `newsgen serve`
// only, never part of a built site. All tabs share one server connection through a
// SharedWorker (a browser allows six per host); the EventSource fallback is for
// browsers without one.
(() => {
  "use strict";
  const shown = document.currentScript.dataset.build;
  const onBuild = (build) => {
    if (typeof build === "string" && build !== shown) location.reload();
  };
  if ("SharedWorker" in window) {
    const worker = new SharedWorker("/__newsgen/worker.js", { name: "newsgen-live" });
    worker.port.onmessage = (event) => onBuild(event.data);
    worker.port.start();
    addEventListener("pagehide", () => worker.port.postMessage("bye"));
  } else {
    const events = new EventSource("/__newsgen/events");
    events.onmessage = (event) => onBuild(event.data);
    addEventListener("pagehide", () => events.close());
  }
  // A page restored from the back/forward cache said goodbye: load it afresh.
  addEventListener("pageshow", (event) => { if (event.persisted) location.reload(); });
  const overlay = document.getElementById("newsgen-problems");
  const hide = overlay && overlay.querySelector("button");
  if (hide) hide.addEventListener("click", () => overlay.remove());
})();
