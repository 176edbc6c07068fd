// Meetings pages: resumable chunked upload (drag and drop), the list's undo of a delete, and the meeting
// page: transcript synced to the player word by word, fixes (edit, split, move words, merge speakers),
// rename, delete, retry. Plain ES module; talks to /api/v1/meetings/ with the session cookie and CSRF token.

import { csrfToken } from "./csrf.js";
import { showLiveEvent } from "./live-lines.js";

class ApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || `HTTP ${status}`);
    this.status = status;
    this.code = error && error.code;
    this.details = (error && error.details) || {};
  }
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data && data.error);
  return data;
}

const sleep = (ms) => new Promise((resolve) => { window.setTimeout(resolve, ms); });

// --- Upload: chunks through /api/v1/meetings/uploads/, resumed after a drop --------------------------

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

function isMedia(file) {
  // Browsers leave the type empty for some containers; the server decodes and says if it is no audio.
  return !file.type || file.type.startsWith("audio/") || file.type.startsWith("video/");
}

async function putChunk(url, blob, start, total) {
  const response = await fetch(url, {
    method: "PUT",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Range": `bytes ${start}-${start + blob.size - 1}/${total}`,
      "X-CSRFToken": csrfToken(),
    },
    body: blob,
  });
  return { status: response.status, data: await response.json().catch(() => null) };
}

async function uploadInChunks(file, fields, createUrl, report) {
  // The same file chosen again after a reload resumes its unfinished upload.
  const key = `sawt-upload:${file.name}:${file.size}:${file.lastModified}`;
  let upload = null;
  const saved = window.localStorage.getItem(key);
  if (saved) {
    upload = await api("GET", `${createUrl}${saved}/`).catch(() => null);
    if (upload && upload.meeting) upload = null;
  }
  if (!upload) {
    upload = await api("POST", createUrl, { filename: file.name, size: file.size, ...fields });
    window.localStorage.setItem(key, String(upload.upload));
  }
  const url = `${createUrl}${upload.upload}/`;
  let received = upload.received;
  let failures = 0;
  report.progress(received, file.size);
  for (;;) {
    const end = Math.min(received + upload.chunk_limit, file.size);
    let answer = null;
    try {
      answer = await putChunk(url, file.slice(received, end), received, file.size);
    } catch {
      answer = null; // the connection dropped: find out below what arrived
    }
    if (answer && answer.status === 202) {
      window.localStorage.removeItem(key);
      return answer.data.id;
    }
    if (answer && answer.status === 200) {
      received = answer.data.received;
      failures = 0;
      report.progress(received, file.size);
      continue;
    }
    const error = answer && answer.data && answer.data.error;
    if (answer && answer.status === 409 && error && error.details && error.details.received !== undefined) {
      received = error.details.received; // the server has more (or less) than we thought: go on from there
      failures += 1;
      continue;
    }
    if (answer && answer.status < 500 && answer.status !== 429) throw new ApiError(answer.status, error);
    if (failures >= RETRY_DELAYS_MS.length) {
      throw new Error("The connection keeps dropping. Choose the file again to resume the upload.");
    }
    report.status("Connection lost; resuming…");
    await sleep(RETRY_DELAYS_MS[failures]);
    failures += 1;
    const state = await api("GET", url).catch(() => null);
    if (state && state.meeting) {
      window.localStorage.removeItem(key);
      return state.meeting; // the last chunk arrived, only its answer was lost
    }
    if (state) received = state.received;
  }
}

function setupUpload(form) {
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const input = form.elements.file;
  const zone = document.getElementById("upload-zone") || form;
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => { zone.classList.remove("dragging"); });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    if (!isMedia(files[0])) {
      status.textContent = `“${files[0].name}” is not an audio or video file.`;
      return;
    }
    input.files = files;
    status.textContent = `Ready to upload “${files[0].name}”.`;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Asked on the click, as browsers require: "your meeting is ready" can then reach a hidden tab.
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
    const file = input.files[0];
    if (!file) return;
    if (!isMedia(file)) {
      status.textContent = `“${file.name}” is not an audio or video file.`;
      return;
    }
    const fields = {};
    for (const key of ["title", "language"]) if (form.elements[key].value) fields[key] = form.elements[key].value;
    for (const key of ["min_speakers", "max_speakers"]) {
      if (form.elements[key].value) fields[key] = Number(form.elements[key].value);
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    bar.hidden = false;
    status.textContent = "Uploading…";
    const report = {
      progress: (done, total) => {
        bar.value = Math.round((100 * done) / total);
        status.textContent = `Uploading… ${bar.value} %`;
      },
      status: (text) => { status.textContent = text; },
    };
    try {
      const meetingId = await uploadInChunks(file, fields, form.dataset.api, report);
      status.textContent = "Uploaded. Processing…";
      window.location.assign(`/meetings/${meetingId}/`);
    } catch (error) {
      status.textContent = `Upload failed: ${error.message}`;
      button.disabled = false;
    }
  });
}

// --- The list: undo a delete ----------------------------------------------------------------------

function setupUndo(panel) {
  const button = document.getElementById("undo-delete-button");
  const countdown = document.getElementById("undo-countdown");
  let left = Number(panel.dataset.seconds);
  const timer = window.setInterval(() => {
    left -= 1;
    countdown.textContent = `${Math.max(left, 0)} s`;
    if (left <= 0) {
      window.clearInterval(timer);
      button.remove();
      countdown.textContent = "";
    }
  }, 1000);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("POST", `/api/v1/meetings/${panel.dataset.meeting}/restore/`);
      window.clearInterval(timer);
      window.location.assign(`/meetings/${panel.dataset.meeting}/`);
    } catch (error) {
      countdown.textContent = error.message;
    }
  });
}

// --- The meeting page -----------------------------------------------------------------------------

function say(text) {
  const line = document.getElementById("meeting-message");
  if (line) line.textContent = text;
}

function setupPlayer(root) {
  const player = document.getElementById("player");
  root.addEventListener("click", (event) => {
    if (!player) return;
    const seek = event.target.closest("[data-seek]");
    const word = event.target.closest(".word");
    if (word && word.closest("[contenteditable=true]")) return; // being edited, not played
    const at = seek ? seek.dataset.seek : word ? word.dataset.start : null;
    if (at === null) return;
    player.currentTime = Number(at);
    player.play().catch(() => {});
  });
  if (!player) return;
  let currentLine = null;
  let currentWord = null;
  const show = () => {
    const t = player.currentTime;
    const lines = [...root.querySelectorAll("#transcript .line")];
    const line = lines.find((l) => t >= Number(l.dataset.start) && t < Number(l.dataset.end)) || null;
    if (line !== currentLine) {
      if (currentLine) currentLine.classList.remove("current");
      currentLine = line;
      if (line) {
        line.classList.add("current");
        line.scrollIntoView({ block: "nearest" });
      }
    }
    // The word being said; between two words, the one just said stays lit.
    const words = line ? [...line.querySelectorAll(".word")] : [];
    const word = words.filter((w) => Number(w.dataset.start) <= t).pop() || null;
    if (word !== currentWord) {
      if (currentWord) currentWord.classList.remove("playing");
      currentWord = word;
      if (word) word.classList.add("playing");
    }
  };
  player.addEventListener("timeupdate", show);
  player.addEventListener("seeked", show);
  // A search result opens the meeting at its moment: /meetings/<id>/#t=<seconds>.
  const hash = window.location.hash.match(/t=([\d.]+)/);
  if (hash) {
    player.currentTime = Number(hash[1]);
    show();
  }
}

function wordsOf(line) {
  return [...line.querySelectorAll(".word")];
}

function renderWords(textEl, segment) {
  textEl.replaceChildren();
  segment.words.forEach((w, i) => {
    if (i) textEl.append(" ");
    const span = document.createElement("span");
    span.className = "word";
    span.dataset.word = String(i);
    span.dataset.start = String(w.start);
    span.dataset.end = String(w.end);
    span.textContent = w.word.trim();
    textEl.append(span);
  });
  if (!segment.words.length) textEl.textContent = segment.text;
}

function renderSummary(summary) {
  const text = document.querySelector("#summary .summary-text");
  if (text) text.innerText = summary.text;
  const actions = document.querySelector("#summary .summary-actions");
  if (actions) {
    actions.replaceChildren(...summary.action_items.map((item) => {
      const li = document.createElement("li");
      li.append(item.text);
      for (const extra of [item.owner, item.due]) {
        if (!extra) continue;
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = extra;
        li.append(" ", badge);
      }
      return li;
    }));
  }
  const decisions = document.querySelector("#summary .summary-decisions");
  if (decisions) {
    decisions.replaceChildren(...summary.decisions.map((d) => {
      const li = document.createElement("li");
      li.textContent = d;
      return li;
    }));
  }
}

function setupEditing(root) {
  const meetingId = root.dataset.id;
  const title = document.getElementById("meeting-title");
  if (title) {
    title.addEventListener("change", async () => {
      const name = title.value.trim();
      if (!name) return;
      try {
        const meeting = await api("PATCH", `/api/v1/meetings/${meetingId}/`, { title: name });
        document.title = `${meeting.title} · Sawt`;
        say("Renamed.");
      } catch (error) {
        say(error.message);
      }
    });
  }

  root.querySelectorAll(".speaker-name[data-speaker]").forEach((input) => {
    input.addEventListener("change", async () => {
      const id = input.dataset.speaker;
      try {
        const speaker = await api("PATCH", `/api/v1/meetings/speakers/${id}/`, { display_name: input.value });
        root.querySelectorAll(`.who[data-speaker="${id}"]`).forEach((el) => { el.textContent = speaker.name; });
        root.querySelectorAll(`option[value="${id}"]`).forEach((el) => { el.textContent = speaker.name; });
        // The summary names speakers by id: it reads with the new name at once.
        const summary = await api("GET", `/api/v1/meetings/${meetingId}/summary/`).catch(() => null);
        if (summary) renderSummary(summary);
      } catch (error) {
        say(error.message);
      }
    });
  });

  root.querySelectorAll("select.merge-into").forEach((select) => {
    select.addEventListener("change", async () => {
      if (!select.value) return;
      try {
        await api("POST", `/api/v1/meetings/speakers/${select.dataset.speaker}/merge/`, { into: Number(select.value) });
        window.location.reload();
      } catch (error) {
        say(error.message);
        select.value = "";
      }
    });
  });

  // Which words the next Split or Move is about: the word clicked last, and a selection of words.
  let clicked = null; // {segment, word}
  let selected = null; // {segment, first, last}
  root.addEventListener("click", (event) => {
    const word = event.target.closest(".word");
    if (word) clicked = { segment: word.closest(".line").dataset.segment, word: Number(word.dataset.word) };
  });
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!selection.rangeCount) return;
    const anchor = selection.anchorNode && (selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement);
    const line = anchor && anchor.closest("#transcript .line");
    if (!line) return; // focus moved to a control: keep what was selected
    if (selection.isCollapsed) {
      selected = null;
      return;
    }
    const words = wordsOf(line).filter((w) => selection.containsNode(w, true));
    selected = words.length
      ? { segment: line.dataset.segment, first: Number(words[0].dataset.word), last: Number(words[words.length - 1].dataset.word) }
      : null;
  });

  root.querySelectorAll("#transcript .line").forEach((line) => {
    const id = line.dataset.segment;
    const text = line.querySelector(".text");
    const edit = line.querySelector(".edit-line");
    if (edit) {
      let before = "";
      let beforeWords = "";
      edit.addEventListener("click", () => {
        before = text.textContent.replace(/\s+/g, " ").trim();
        beforeWords = text.innerHTML; // our own markup, put back if nothing changes
        text.contentEditable = "true";
        text.setAttribute("role", "textbox");
        text.setAttribute("aria-label", "Line text");
        text.focus();
      });
      text.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); text.blur(); }
        if (event.key === "Escape") { text.innerHTML = beforeWords; text.blur(); }
      });
      text.addEventListener("blur", async () => {
        if (text.contentEditable !== "true") return;
        text.contentEditable = "false";
        text.removeAttribute("role");
        text.removeAttribute("aria-label");
        const changed = text.textContent.replace(/\s+/g, " ").trim();
        if (!changed || changed === before) {
          text.innerHTML = beforeWords;
          return;
        }
        try {
          const segment = await api("PATCH", `/api/v1/meetings/segments/${id}/`, { text: changed });
          renderWords(text, segment);
          line.classList.add("edited");
        } catch (error) {
          say(error.message);
          text.innerHTML = beforeWords;
        }
      });
    }
    const split = line.querySelector(".split-line");
    if (split) {
      split.addEventListener("click", async () => {
        if (!clicked || clicked.segment !== id || clicked.word < 1) {
          say("Click the word the new line should start with, then Split.");
          return;
        }
        try {
          await api("POST", `/api/v1/meetings/segments/${id}/split/`, { word: clicked.word });
          window.location.reload();
        } catch (error) {
          say(error.message);
        }
      });
    }
    const move = line.querySelector("select.move-line");
    if (move) {
      move.addEventListener("change", async () => {
        if (!move.value) return;
        const body = { speaker_id: Number(move.value) };
        if (selected && selected.segment === id) {
          body.first_word = selected.first;
          body.last_word = selected.last;
        }
        try {
          await api("POST", `/api/v1/meetings/segments/${id}/move/`, body);
          window.location.reload();
        } catch (error) {
          say(error.message);
          move.value = "";
        }
      });
    }
  });

  const regenerate = document.getElementById("regenerate");
  if (regenerate) {
    regenerate.addEventListener("click", async () => {
      regenerate.disabled = true;
      await api("POST", `/api/v1/meetings/${meetingId}/summary/regenerate/`);
      window.setTimeout(() => window.location.reload(), 1500);
    });
  }
  const retry = document.getElementById("retry-job");
  if (retry) {
    retry.addEventListener("click", async () => {
      retry.disabled = true;
      try {
        await api("POST", `/api/v1/meetings/jobs/${retry.dataset.job}/retry/`);
        window.location.reload();
      } catch (error) {
        say(error.message);
        retry.disabled = false;
      }
    });
  }
}

function setupDelete(root) {
  const button = document.getElementById("delete-meeting");
  if (!button) return;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("DELETE", `/api/v1/meetings/${root.dataset.id}/`);
      window.location.assign(`/meetings/?deleted=${root.dataset.id}`); // where it can be undone
    } catch (error) {
      say(error.message);
      button.disabled = false;
    }
  });
}

const STAGES = {
  upload: "reading the file",
  transcribe: "transcribing",
  diarize: "finding the speakers",
  align: "matching words to speakers",
  summarize: "summarizing",
  done: "done",
};

function showProgress(job) {
  const stage = document.getElementById("job-stage");
  const bar = document.getElementById("job-progress");
  const percent = document.getElementById("job-percent");
  if (stage) stage.textContent = STAGES[job.stage] || job.stage;
  if (bar) bar.value = job.progress;
  if (percent) percent.textContent = `${job.progress} %`;
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
  const stage = document.getElementById("job-stage");
  if (stage && STAGES[stage.dataset.stage]) stage.textContent = STAGES[stage.dataset.stage];
  if (!["queued", "processing"].includes(status) || !root.dataset.job) return;
  // Progress comes over the socket; polling is the fallback when sockets are unavailable.
  try {
    const socket = meetingSocket(root);
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "progress") showProgress({ ...data, status: "running" });
      if (data.type === "completed" || data.type === "failed") window.location.reload();
    });
  } catch { /* polling below covers it */ }
  const poll = async () => {
    const job = await api("GET", `/api/v1/meetings/jobs/${root.dataset.job}/`).catch(() => null);
    if (job) {
      showProgress(job);
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
const undoPanel = document.getElementById("undo-delete");
if (undoPanel) setupUndo(undoPanel);
const meeting = document.getElementById("meeting");
if (meeting) {
  setupPlayer(meeting);
  if (meeting.dataset.editable === "1") setupEditing(meeting);
  setupDelete(meeting);
  setupSharing(meeting);
  watchJob(meeting);
}
