// newsgen preview: one EventSource for every tab of this browser. Each message is the
// id of the build now being served; tabs showing another build reload themselves.
"use strict";
const ports = new Set();
let latest = null;
const events = new EventSource("/__newsgen/events");
events.onmessage = (event) => {
  latest = event.data;
  for (const port of ports) port.postMessage(latest);
};
onconnect = (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.onmessage = (message) => { if (message.data === "bye") ports.delete(port); };
  port.start();
  if (latest !== null) port.postMessage(latest);
};
