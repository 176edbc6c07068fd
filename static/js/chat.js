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
let sessionId = null; // the server's id of the running session: a reconnect resumes it
let nextSessionsPage = null;

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
        const start = { event: "start", language: "en" };
        if (sessionId !== null) start.session = sessionId;
        ws.send(JSON.stringify(start));
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

// One format for every date on the page, whether the server rendered it or this script did.
function formatDate(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function formatOffset(seconds) {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function lineItem(message) {
  const item = document.createElement("li");
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = formatOffset(message.start);
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.payload ?? message.text;
  item.append(time, " ", text);
  item.title = `${message.start.toFixed(1)}–${message.end.toFixed(1)} s`;
  return item;
}

const SERVER_ERRORS = {
  busy: "The server is busy with other live streams. Try again in a moment.",
  too_fast: "Audio is arriving faster than it is spoken; some was dropped.",
  transcription_failed: "A sentence could not be transcribed; listening goes on.",
  storage_failed: "A sentence could not be saved; listening goes on.",
  unknown_session: "The previous session could not be resumed; a new one started.",
};

function handleMessage(message) {
  if (message.type === "session") {
    sessionId = message.id;
  } else if (message.type === "partial") {
    partialLine.textContent = message.payload;
  } else if (message.type === "text") {
    finalsList.appendChild(lineItem(message));
    partialLine.textContent = "";
  } else if (message.type === "done") {
    partialLine.textContent = "";
    if (!recording) {
      sessionId = null;
      setStatus("Saved. Press the microphone to start again.");
    }
    refreshSessions();
  } else if (message.type === "error") {
    setStatus(SERVER_ERRORS[message.code] || `Server: ${message.message}`, "error");
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
  if (error.name === "AudioProcessingError") {
    return `This browser could not process the microphone's audio (${error.cause?.message || error.message}). The microphone was released; press it to try again.`;
  }
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
    if (socket) socket.close(); // nothing to send without a microphone
    return;
  }
  recording = true;
  sessionId = null; // a new session; the server names it
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

function sessionTitle(session) {
  const count = `${session.message_count} message${session.message_count === 1 ? "" : "s"}`;
  return `${session.title || formatDate(session.started_at)} · ${count}`;
}

function actionButton(label, action) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.dataset.action = action;
  button.textContent = label;
  return button;
}

function sessionItem(session) {
  const item = document.createElement("li");
  const details = document.createElement("details");
  details.dataset.sessionId = session.id;
  const summary = document.createElement("summary");
  summary.textContent = sessionTitle(session);
  details.appendChild(summary);
  const actions = document.createElement("p");
  actions.className = "chat-session-actions";
  actions.append(actionButton("Rename", "rename"), actionButton("Copy", "copy"), actionButton("Delete", "delete"));
  for (const kind of ["txt", "srt", "vtt"]) {
    const link = document.createElement("a");
    link.href = `/api/v1/chat/sessions/${session.id}/export/${kind}/`;
    link.textContent = kind;
    actions.append(" ", link);
  }
  details.appendChild(actions);
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
  list.replaceChildren(...session.messages.map(lineItem));
  details.dataset.loaded = "1";
}

sessionsList.addEventListener("toggle", (event) => {
  if (event.target.open) loadSession(event.target);
}, true);

function csrfToken() {
  return document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] || "";
}

async function sessionRequest(id, method, body) {
  return fetch(`/api/v1/chat/sessions/${id}/`, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body ? JSON.stringify(body) : undefined,
  });
}

sessionsList.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const details = button.closest("details");
  const id = details.dataset.sessionId;
  if (button.dataset.action === "delete") {
    if (!window.confirm("Delete this session and its text?")) return;
    const response = await sessionRequest(id, "DELETE");
    if (response.ok) details.closest("li").remove();
    else setStatus("The session could not be deleted.", "error");
  } else if (button.dataset.action === "rename") {
    const title = window.prompt("Name this session", details.dataset.title || "");
    if (title === null) return;
    const response = await sessionRequest(id, "PATCH", { title });
    if (!response.ok) return setStatus("The session could not be renamed.", "error");
    const session = await response.json();
    details.dataset.title = session.title;
    details.querySelector("summary").textContent = sessionTitle({ ...session, message_count: session.messages.length });
  } else if (button.dataset.action === "copy") {
    await loadSession(details);
    const text = [...details.querySelectorAll("ol .text")].map((node) => node.textContent).join("\n");
    try {
      await navigator.clipboard.writeText(text);
      setStatus("Copied.");
    } catch {
      setStatus("The browser did not allow copying; select the text instead.", "error");
    }
  }
});

const moreButton = document.getElementById("chat-more-sessions");

async function refreshSessions(url = "/api/v1/chat/sessions/?page_size=20", append = false) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) return;
  const page = await response.json();
  nextSessionsPage = page.next;
  if (moreButton) moreButton.hidden = !page.next;
  if (page.results.length === 0 && !append) return;
  const items = page.results.map(sessionItem);
  if (append) sessionsList.append(...items);
  else sessionsList.replaceChildren(...items);
}

if (moreButton) moreButton.addEventListener("click", () => nextSessionsPage && refreshSessions(nextSessionsPage, true));

// The server's first page, drawn by this script too, so dates and actions read the same after a reload.
refreshSessions();
