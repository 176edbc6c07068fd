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
let socketPath = null;
let stopping = false;
let pending = []; // audio captured while the socket is down, sent on reconnect

// Opens the meeting's socket. A socket that drops while recording (not after "stop") is opened again
// into the same meeting: the server keeps it live and appends what follows (beat closes it after 5
// minutes without audio).
async function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}${socketPath}`);
  socket.binaryType = "arraybuffer";
  socket.onmessage = (event) => onMessage(JSON.parse(event.data));
  socket.onclose = () => {
    if (stopCapture && !stopping) {
      statusLine.textContent = "Connection lost, reconnecting…";
      setTimeout(() => connect().then(() => {
        statusLine.textContent = "Recording… speak now.";
        for (const buffer of pending.splice(0)) socket.send(buffer);
      }).catch(() => {}), 1000);
    }
  };
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
}

function send(buffer) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(buffer);
  else if (pending.length < 600) pending.push(buffer); // 100 ms frames: up to a minute of audio
}

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
  socketPath = meeting.socket;
  stopping = false;
  await connect();
  try {
    stopCapture = await startCapture({
      onFrame: send,
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
  stopping = true;
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
