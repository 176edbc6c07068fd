// The /chat/ page: microphone -> /ws/chat/ -> partial and final text; past sessions below.
import { startCapture } from "./mic-capture.js";

const micButton = document.getElementById("chat-mic");
const statusLine = document.getElementById("chat-status");
const finalsList = document.getElementById("chat-finals");
const partialLine = document.getElementById("chat-partial");
const sessionsList = document.getElementById("chat-sessions");

const MAX_BUFFERED_FRAMES = 100; // 10 s of audio kept while the socket reconnects
let socket = null;
let stopCapture = null;
let recording = false;
let reconnectDelay = 1000;
let reconnectTimer = null;
const backlog = [];

function setStatus(text, kind = "") {
  statusLine.textContent = text;
  statusLine.className = `chat-status ${kind}`.trim();
}

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/chat/`;
}

function connect() {
  return new Promise((resolve) => {
    const ws = new WebSocket(socketUrl());
    ws.binaryType = "arraybuffer";
    let opened = false;
    ws.onopen = () => {
      opened = true;
      reconnectDelay = 1000;
      socket = ws;
      if (recording) {
        ws.send(JSON.stringify({ event: "start", language: "en" }));
        while (backlog.length) ws.send(backlog.shift());
        setStatus("Listening… speak now.", "live");
      }
      resolve(true);
    };
    ws.onmessage = (event) => handleMessage(JSON.parse(event.data));
    ws.onclose = (event) => {
      if (socket === ws) socket = null;
      if (!opened) resolve(false);
      if (event.code === 4401) {
        setStatus("Your sign-in has expired. Reload the page and log in again.", "error");
        stopRecording(false);
        return;
      }
      if (recording) scheduleReconnect(opened);
      else if (!opened) setStatus("Cannot reach the Sawt server. Check that it is running, then press the microphone again.", "error");
    };
  });
}

function scheduleReconnect(wasOpen) {
  if (reconnectTimer) return;
  const seconds = Math.round(reconnectDelay / 1000);
  setStatus(
    wasOpen
      ? `Connection lost. Reconnecting in ${seconds} s… your saved text is kept.`
      : `Cannot reach the Sawt server. Retrying in ${seconds} s…`,
    "error",
  );
  reconnectTimer = setTimeout(async () => {
    reconnectTimer = null;
    reconnectDelay = Math.min(reconnectDelay * 2, 15000);
    if (recording) await connect();
  }, reconnectDelay);
}

function handleMessage(message) {
  if (message.type === "partial") {
    partialLine.textContent = message.payload;
  } else if (message.type === "text") {
    const item = document.createElement("li");
    item.textContent = message.payload;
    item.title = `${message.start.toFixed(1)}–${message.end.toFixed(1)} s`;
    finalsList.appendChild(item);
    partialLine.textContent = "";
  } else if (message.type === "done") {
    partialLine.textContent = "";
    if (!recording) setStatus("Saved. Press the microphone to start again.");
    refreshSessions();
  } else if (message.type === "error") {
    setStatus(`Server: ${message.message}`, "error");
  }
}

function sendFrame(buffer) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(buffer);
  } else {
    backlog.push(buffer);
    if (backlog.length > MAX_BUFFERED_FRAMES) backlog.shift();
  }
}

function micErrorMessage(error) {
  if (error.name === "NotAllowedError" || error.name === "SecurityError") {
    return "Microphone access was refused. Allow the microphone for this site (the icon in the address bar), then press the microphone again.";
  }
  if (error.name === "NotFoundError" || error.name === "OverconstrainedError") {
    return "No microphone was found. Plug one in, then press the microphone again.";
  }
  if (error.name === "NotSupportedError") return error.message;
  return `The microphone could not start: ${error.message}`;
}

async function startRecording() {
  micButton.disabled = true;
  setStatus("Connecting…");
  if (!socket && !(await connect())) {
    micButton.disabled = false;
    setStatus("Cannot reach the Sawt server. Check that it is running, then press the microphone again.", "error");
    return;
  }
  try {
    stopCapture = await startCapture({
      onFrame: sendFrame,
      onError: (error) => {
        setStatus(micErrorMessage(error), "error");
        stopRecording(true);
      },
    });
  } catch (error) {
    micButton.disabled = false;
    setStatus(micErrorMessage(error), "error");
    return;
  }
  recording = true;
  socket.send(JSON.stringify({ event: "start", language: "en" }));
  micButton.disabled = false;
  micButton.setAttribute("aria-pressed", "true");
  micButton.textContent = "Stop";
  setStatus("Listening… speak now.", "live");
}

function stopRecording(sendStop) {
  recording = false;
  if (stopCapture) stopCapture();
  stopCapture = null;
  backlog.length = 0;
  micButton.setAttribute("aria-pressed", "false");
  micButton.textContent = "Mic";
  if (sendStop && socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ event: "stop" }));
    setStatus("Finishing the last sentence…");
  }
}

micButton.addEventListener("click", () => (recording ? stopRecording(true) : startRecording()));

function sessionItem(session) {
  const item = document.createElement("li");
  const details = document.createElement("details");
  details.dataset.sessionId = session.id;
  const summary = document.createElement("summary");
  const when = new Date(session.started_at).toLocaleString();
  summary.textContent = `${when} · ${session.message_count} message${session.message_count === 1 ? "" : "s"}`;
  details.appendChild(summary);
  details.appendChild(document.createElement("ol")).className = "chat-session-messages";
  item.appendChild(details);
  return item;
}

async function loadSession(details) {
  const list = details.querySelector("ol");
  if (details.dataset.loaded) return;
  const response = await fetch(`/api/v1/chat/sessions/${details.dataset.sessionId}/`, { credentials: "same-origin" });
  if (!response.ok) return;
  const session = await response.json();
  list.replaceChildren(
    ...session.messages.map((message) => {
      const li = document.createElement("li");
      li.textContent = message.text;
      return li;
    }),
  );
  details.dataset.loaded = "1";
}

sessionsList.addEventListener("toggle", (event) => {
  if (event.target.open) loadSession(event.target);
}, true);

async function refreshSessions() {
  const response = await fetch("/api/v1/chat/sessions/?page_size=20", { credentials: "same-origin" });
  if (!response.ok) return;
  const page = await response.json();
  if (page.results.length === 0) return;
  sessionsList.replaceChildren(...page.results.map(sessionItem));
}
