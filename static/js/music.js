// The music page: text and press-to-talk commands, the player card (what Spotify plays now, the device it
// plays on), the SoundCloud widget (whose own events are the only source of "playing" for SoundCloud),
// connected accounts and the synced library.
import { csrfToken } from "./csrf.js";

const root = document.getElementById("music");
const widgetOrigin = root.dataset.widgetOrigin;
const conversation = document.getElementById("conversation");
const talkStatus = document.getElementById("talk-status");
const widget = document.getElementById("sc-widget");
const widgetState = document.getElementById("widget-state");
let current = { uri: "", title: "" };

async function api(path, options = {}) {
  const headers = { "X-CSRFToken": csrfToken(), ...(options.headers || {}) };
  const response = await fetch(`/api/v1/music/${path}`, { credentials: "same-origin", ...options, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message || "the server could not do it just now; try again");
  return body;
}

// Replies are sentences on this page: the action and status codes stay in the API (and in the class name).
function onThisPage(text) {
  return (text || "").replaceAll("on the music page", "on this page");
}

function addLine(className, text) {
  conversation.querySelector(".music-hint")?.remove();
  const item = document.createElement("li");
  item.className = className;
  item.append(text);
  conversation.append(item);
  conversation.scrollTop = conversation.scrollHeight;
}

function showReply(reply) {
  if (reply.transcript !== undefined) addLine("music-you", reply.transcript || "(nothing heard)");
  addLine(`music-sam music-status-${reply.status}`, onThisPage(reply.response_text) || "Done.");
  if (reply.response_audio_url) {
    const audio = document.getElementById("reply-audio");
    audio.src = reply.response_audio_url;
    audio.play().catch(() => {});
  }
  const item = reply.parameters?.item;
  if (reply.status === "ok" && item && item.platform === "spotify" && reply.action === "PLAY") {
    document.getElementById("now-playing").textContent = reply.response_text;
  }
  const player = reply.parameters?.player;
  if (player && player.platform === "soundcloud") widgetCommand(player, item);
  if (playerCard && reply.status === "ok") refreshPlayer();  // a command may have changed what plays
}

// --- the player card: what Spotify plays now, and the device it plays on --------------------------
const playerCard = document.getElementById("player");
const deviceForm = document.getElementById("device-form");
const deviceSelect = document.getElementById("device-select");
const deviceStatus = document.getElementById("device-status");
const refreshMs = 1000 * Number(playerCard?.dataset.refreshSeconds || 15);
let refreshTimer = 0;
let picking = false;  // a device was chosen in the list and playback not moved yet: refreshes keep the choice

function renderPlayer(body) {
  const now = body.now_playing;
  const artwork = document.getElementById("now-artwork");
  document.getElementById("now-title").textContent = now ? now.title : "";
  document.getElementById("now-artist").textContent = now ? [now.artist, now.album].filter(Boolean).join(" · ") : "";
  if (now && now.artwork_url) {
    if (artwork.getAttribute("src") !== now.artwork_url) artwork.src = now.artwork_url;
    artwork.alt = `Artwork of ${now.album || now.title}`;
    artwork.hidden = false;
  } else {
    artwork.hidden = true;
    artwork.removeAttribute("src");
    artwork.alt = "";
  }
  document.getElementById("now-playing").textContent = onThisPage(body.message);
  renderDevices(body.devices);
}

function renderDevices(devices) {
  const kept = picking ? deviceSelect.value : "";
  deviceSelect.replaceChildren(...devices.map((device) => {
    const option = new Option(device.is_restricted ? `${device.name} (takes no remote commands)` : device.name, device.id);
    option.disabled = device.is_restricted;
    return option;
  }));
  const active = devices.find((device) => device.is_active) || devices.find((device) => !device.is_restricted);
  deviceSelect.value = kept && devices.some((device) => device.id === kept) ? kept : active?.id || "";
  deviceForm.hidden = devices.length === 0;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshPlayer, refreshMs);
}

async function refreshPlayer() {
  clearTimeout(refreshTimer);
  if (document.hidden) return;  // asked again when the page is seen (visibilitychange)
  try {
    renderPlayer(await api(`player?platform=${playerCard.dataset.platform}`));
  } catch (error) {
    document.getElementById("now-playing").textContent = onThisPage(error.message);
  }
  scheduleRefresh();
}

if (playerCard) {
  deviceSelect.addEventListener("change", () => { picking = true; });
  deviceForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = deviceForm.querySelector("button");
    button.disabled = true;
    deviceStatus.textContent = "Moving playback…";
    try {
      const body = await api("player/device", {
        method: "PUT", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ platform: playerCard.dataset.platform, device_id: deviceSelect.value }),
      });
      picking = false;
      renderPlayer(body);
      deviceStatus.textContent = onThisPage(body.moved);
    } catch (error) {
      deviceStatus.textContent = onThisPage(error.message);
    } finally {
      button.disabled = false;
      scheduleRefresh();
    }
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshPlayer(); });
  refreshPlayer();
}

// --- SoundCloud widget (its postMessage protocol, so no third-party script is loaded) -------------
function post(method, value) {
  widget.contentWindow?.postMessage(JSON.stringify(value === undefined ? { method } : { method, value }), widgetOrigin);
}

function report(state) {
  widgetState.textContent = state === "playing" ? `Playing ${current.title} on SoundCloud.`
    : state === "paused" ? `Paused: ${current.title}.` : state === "loading" ? `Loading ${current.title}…`
    : state === "finished" ? `Finished ${current.title}.` : "The SoundCloud player reported an error.";
  api("player/state", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ platform: "soundcloud", uri: current.uri, title: current.title, state }),
  }).catch(() => {});
}

function widgetCommand(player, item) {
  if (player.command === "load") {
    current = { uri: player.uri, title: item ? `${item.title}${item.artist ? " by " + item.artist : ""}` : "" };
    document.getElementById("widget-box").hidden = false;
    widget.src = `${widgetOrigin}/player/?url=${encodeURIComponent(player.url)}&auto_play=true&visual=false`;
    report("loading");
  } else if (player.command === "volume") {
    post("setVolume", player.volume);
  } else {
    post(player.command);
  }
}

window.addEventListener("message", (event) => {
  if (event.origin !== widgetOrigin || event.source !== widget.contentWindow) return;
  let data;
  try { data = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch { return; }
  if (data.method === "ready") {
    for (const name of ["play", "pause", "finish", "error"]) post("addEventListener", name);
  } else if (data.method === "play") report("playing");
  else if (data.method === "pause") report("paused");
  else if (data.method === "finish") report("finished");
  else if (data.method === "error") report("error");
});

// --- text and voice commands ------------------------------------------------------------------------
document.getElementById("command-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = document.getElementById("command-text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  addLine("music-you", text);
  try {
    showReply(await api("chat/message", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }),
    }));
  } catch (error) { addLine("music-sam music-status-error", `Sorry, that didn't work: ${error.message}`); }
});

const talk = document.getElementById("talk");
let recorder = null;
let chunks = [];

async function startTalking() {
  if (recorder) return;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const type = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "";
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    recorder.onstop = async () => {
      stream.getTracks().forEach((t) => t.stop());
      const form = new FormData();
      form.append("audio", new Blob(chunks, { type: recorder.mimeType || "audio/webm" }), "command.webm");
      recorder = null;
      talkStatus.textContent = "Thinking…";
      try { showReply(await api("voice/process", { method: "POST", body: form })); talkStatus.textContent = ""; }
      catch (error) { talkStatus.textContent = error.message; }
    };
    recorder.start();
    talk.setAttribute("aria-pressed", "true");
    talkStatus.textContent = "Listening… release to send.";
  } catch { talkStatus.textContent = "The microphone is not available."; }
}

function stopTalking() {
  if (recorder && recorder.state === "recording") recorder.stop();
  talk.setAttribute("aria-pressed", "false");
}

talk.addEventListener("pointerdown", startTalking);
talk.addEventListener("pointerup", stopTalking);
talk.addEventListener("pointerleave", stopTalking);
talk.addEventListener("keydown", (e) => { if (e.key === " " && !e.repeat) { e.preventDefault(); startTalking(); } });
talk.addEventListener("keyup", (e) => { if (e.key === " ") stopTalking(); });

// --- accounts and library ----------------------------------------------------------------------------
document.getElementById("accounts").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const platform = button.closest("[data-platform]").dataset.platform;
  button.disabled = true;
  try {
    await api(`adapter/${platform}/${button.dataset.action}`, { method: "POST" });
    window.location.reload();
  } catch (error) { button.disabled = false; talkStatus.textContent = error.message; }
});

async function loadLibrary(search = "") {
  const page = await api(`library/tracks?search=${encodeURIComponent(search)}`);
  const body = document.getElementById("library");
  body.replaceChildren(...page.results.map((track) => {
    const row = document.createElement("tr");
    for (const value of [track.title, track.artist, track.platform]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  }));
  document.getElementById("library-count").textContent = `${page.count} track${page.count === 1 ? "" : "s"}`;
}

document.getElementById("library-form").addEventListener("submit", (event) => {
  event.preventDefault();
  loadLibrary(document.getElementById("library-search").value).catch(() => {});
});
loadLibrary().catch(() => {});
