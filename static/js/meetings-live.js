// The live meeting page: create a live meeting, stream the microphone to /ws/meetings/<id>/live/,
// show partial and final lines; on stop the server diarizes and summarises the full recording.
import { csrfToken } from "./csrf.js";
import { showLiveEvent } from "./live-lines.js";
import { startCapture } from "./mic-capture.js";

const root = document.getElementById("live");
const button = document.getElementById("live-mic");
const statusLine = document.getElementById("live-status");
const partial = document.getElementById("live-partial");
const finals = document.getElementById("live-finals");
const link = document.getElementById("live-link");

let socket = null;
let stopCapture = null;
let meetingId = null;

async function start() {
  const response = await fetch(root.dataset.api, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ title: document.getElementById("live-title").value }),
  });
  if (!response.ok) { statusLine.textContent = `Could not start (HTTP ${response.status}).`; return; }
  const meeting = await response.json();
  meetingId = meeting.id;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}${meeting.socket}`);
  socket.binaryType = "arraybuffer";
  socket.onmessage = (event) => onMessage(JSON.parse(event.data));
  socket.onclose = () => { if (stopCapture) stop(); };
  await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
  try {
    stopCapture = await startCapture({
      onFrame: (buffer) => { if (socket && socket.readyState === WebSocket.OPEN) socket.send(buffer); },
      onError: () => stop(),
    });
  } catch (error) {
    statusLine.textContent = `Microphone unavailable: ${error.message}`;
    socket.close();
    return;
  }
  button.textContent = "Stop";
  button.setAttribute("aria-pressed", "true");
  statusLine.textContent = "Recording… speak now.";
}

function stop() {
  if (stopCapture) { stopCapture(); stopCapture = null; }
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ event: "stop" }));
  button.textContent = "Record";
  button.setAttribute("aria-pressed", "false");
  statusLine.textContent = "Finishing… the speakers and summary are being computed.";
}

function onMessage(message) {
  showLiveEvent(message, { partial, finals });
  if (message.type === "stopped") {
    link.hidden = false;
    link.querySelector("a").href = `/meetings/${meetingId}/`;
    statusLine.textContent = "Saved.";
    socket.close();
  }
  if (message.type === "error") statusLine.textContent = message.message;
}

button.addEventListener("click", () => (stopCapture ? stop() : start()));
