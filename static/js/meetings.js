// Meetings pages: upload with progress, transcript synced to the audio player, inline edits.
// Plain ES module; talks to /api/v1/meetings/ with the session cookie and the CSRF token.

import { csrfToken } from "./csrf.js";
import { showLiveEvent } from "./live-lines.js";


async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.error && data.error.message) || `HTTP ${response.status}`);
  return data;
}

function setupUpload(form) {
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // Asked on the click, as browsers require: "your meeting is ready" can then reach a hidden tab.
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
    const body = new FormData(form);
    for (const key of ["min_speakers", "max_speakers", "title"]) if (!body.get(key)) body.delete(key);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.api);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 202) {
        const data = JSON.parse(xhr.responseText);
        status.textContent = "Uploaded. Processing…";
        window.location.assign(`/meetings/${data.id}/`);
      } else {
        let message = `Upload failed (HTTP ${xhr.status}).`;
        try { message = JSON.parse(xhr.responseText).error.message; } catch { /* keep the generic text */ }
        status.textContent = message;
      }
    });
    xhr.addEventListener("error", () => { status.textContent = "Upload failed: network error."; });
    status.textContent = "Uploading…";
    xhr.send(body);
  });
}

function setupPlayer(root) {
  const player = document.getElementById("player");
  const lines = [...root.querySelectorAll(".line")];
  root.addEventListener("click", (event) => {
    const seek = event.target.closest("[data-seek]");
    if (seek && player) {
      player.currentTime = Number(seek.dataset.seek);
      player.play().catch(() => {});
    }
  });
  if (!player) return;
  let current = null;
  player.addEventListener("timeupdate", () => {
    const t = player.currentTime;
    const line = lines.find((l) => t >= Number(l.dataset.start) && t < Number(l.dataset.end));
    if (line === current) return;
    if (current) current.classList.remove("current");
    current = line || null;
    if (current) {
      current.classList.add("current");
      current.scrollIntoView({ block: "nearest" });
    }
  });
  const hash = window.location.hash.match(/t=([\d.]+)/);
  if (hash) player.currentTime = Number(hash[1]);
}

function setupEditing(root) {
  root.querySelectorAll(".speaker-name[data-speaker]").forEach((input) => {
    input.addEventListener("change", async () => {
      const id = input.dataset.speaker;
      const speaker = await api("PATCH", `/api/v1/meetings/speakers/${id}/`, { display_name: input.value });
      root.querySelectorAll(`.who[data-speaker="${id}"]`).forEach((el) => { el.textContent = speaker.name; });
    });
  });
  root.querySelectorAll(".line .text[contenteditable]").forEach((el) => {
    let before = el.textContent;
    el.addEventListener("focus", () => { before = el.textContent; });
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); el.blur(); }
    });
    el.addEventListener("blur", async () => {
      const text = el.textContent.trim();
      if (text === before.trim()) return;
      const id = el.closest(".line").dataset.segment;
      try {
        await api("PATCH", `/api/v1/meetings/segments/${id}/`, { text });
        el.closest(".line").classList.add("edited");
      } catch (error) {
        el.textContent = before;
        window.alert(error.message);
      }
    });
  });
  const regenerate = document.getElementById("regenerate");
  if (regenerate) {
    regenerate.addEventListener("click", async () => {
      regenerate.disabled = true;
      await api("POST", `/api/v1/meetings/${root.dataset.id}/summary/regenerate/`);
      window.setTimeout(() => window.location.reload(), 1500);
    });
  }
}

function showProgress(root, job) {
  const stage = document.getElementById("job-stage");
  const bar = document.getElementById("job-progress");
  if (stage) stage.textContent = job.stage;
  if (bar) bar.value = job.progress;
  document.getElementById("meeting-status").textContent = job.status === "running" ? "processing" : job.status;
}

function meetingSocket(root) {
  // The meeting's events: job progress and outcome, and a live recording's lines.
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return new WebSocket(`${scheme}://${window.location.host}/ws/meetings/${root.dataset.id}/`);
}

function watchLive(root) {
  // A participant watching a meeting being recorded: its lines arrive on the meeting's socket; when the
  // recorder stops, processing starts (progress) and the finished meeting is loaded (completed).
  const socket = meetingSocket(root);
  const lines = { partial: document.getElementById("live-partial"), finals: document.getElementById("transcript") };
  socket.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    showLiveEvent(data, lines);
    if (data.type === "progress") document.getElementById("meeting-status").textContent = "processing";
    if (data.type === "completed" || data.type === "failed") window.location.reload();
  });
  // Closed under us (a server restart, Redis gone): the page reloads with every line saved meanwhile.
  // A socket that never opened (no WebSocket server) is left alone: reloading would loop.
  let opened = false;
  socket.addEventListener("open", () => { opened = true; });
  socket.addEventListener("close", () => { if (opened) window.setTimeout(() => window.location.reload(), 2000); });
}

function watchJob(root) {
  const status = root.dataset.status;
  if (status === "live") { watchLive(root); return; }
  if (!["queued", "processing"].includes(status) || !root.dataset.job) return;
  // Progress comes over the socket; polling is the fallback when sockets are unavailable.
  try {
    const socket = meetingSocket(root);
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "progress") showProgress(root, { ...data, status: "running" });
      if (data.type === "completed" || data.type === "failed") window.location.reload();
    });
  } catch { /* polling below covers it */ }
  const poll = async () => {
    const job = await api("GET", `/api/v1/meetings/jobs/${root.dataset.job}/`).catch(() => null);
    if (job) {
      showProgress(root, job);
      if (job.status === "completed" || job.status === "failed") { window.location.reload(); return; }
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
}

function setupSharing(root) {
  const form = document.getElementById("share-form");
  if (!form) return;
  const statusLine = document.getElementById("share-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { username: form.elements.username.value.trim(), role: form.elements.role.value };
    try {
      await api("POST", `/api/v1/meetings/${root.dataset.id}/participants/`, body);
      window.location.reload();
    } catch (err) {
      statusLine.textContent = err.message;
    }
  });
  document.getElementById("participants").addEventListener("click", async (event) => {
    const id = event.target.dataset && event.target.dataset.unshare;
    if (!id) return;
    try {
      await api("DELETE", `/api/v1/meetings/participants/${id}/`);
      window.location.reload();
    } catch (err) {
      statusLine.textContent = err.message;
    }
  });
}

const uploadForm = document.getElementById("upload-form");
if (uploadForm) setupUpload(uploadForm);
const meeting = document.getElementById("meeting");
if (meeting) {
  setupPlayer(meeting);
  if (meeting.dataset.editable === "1") setupEditing(meeting);
  setupSharing(meeting);
  watchJob(meeting);
}
