// Dictation trainer pages: the practice page (play, replay, slow replay, check) and the progress chart.
// Plain ES module, no dependencies; everything comes from the dictation API.

import { csrfToken } from "./csrf.js";

const SVG = "http://www.w3.org/2000/svg";


async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
  return body;
}

function percent(fraction) {
  return `${Math.round(fraction * 1000) / 10}%`;
}

// --- practice ---------------------------------------------------------------------------------------
// One page for one item, the review queue (`review/next`) and a weak-words session (a list of item ids).
// The first Check marks the learner's own words without showing the answer; "Show answer" reveals it.

const AUDIO_STATES = {
  pending: "Waiting for the audio…",
  running: "Making the audio…",
  completed: "Ready. Play the sentence, then type what you hear.",
};

function setupPractice(root) {
  const api = root.dataset.api;
  const mode = root.dataset.mode;
  const audio = root.querySelector("#dictation-audio");
  const buttons = ["#play", "#replay", "#slow"].map((s) => root.querySelector(s));
  const [play, replay, slow] = buttons;
  const state = root.querySelector("#audio-state");
  const body = root.querySelector("#practice-body");
  const queueState = root.querySelector("#queue-state");
  const limitSelect = root.querySelector("#play-limit");
  const typed = root.querySelector("#typed");
  const form = root.querySelector("#attempt-form");
  const weakQueue = mode === "weak" ? JSON.parse(document.querySelector("#weak-queue").textContent) : [];
  let item = null;
  let audioReady = false;
  let plays = 0;
  let pollTimer = null;

  const limit = () => Number(limitSelect.value) || Infinity;
  const refreshButtons = () => {
    const left = limit() - plays;
    buttons.forEach((b) => { b.disabled = !audioReady || left <= 0; });
    root.querySelector("#plays-left").textContent = Number.isFinite(left) ? `${Math.max(0, left)} left` : "";
  };
  limitSelect.value = localStorage.getItem("dictation.playLimit") || "";
  limitSelect.addEventListener("change", () => {
    localStorage.setItem("dictation.playLimit", limitSelect.value);
    refreshButtons();
  });

  const start = (rate, fromStart) => {
    if (plays >= limit()) return;
    plays += 1;
    refreshButtons();
    audio.playbackRate = rate;
    if (fromStart) audio.currentTime = 0;
    audio.play();
  };
  play.addEventListener("click", () => start(1, false));
  replay.addEventListener("click", () => start(1, true));
  slow.addEventListener("click", () => start(0.75, true));
  audio.addEventListener("play", () => root.classList.add("playing"));
  audio.addEventListener("ended", () => root.classList.remove("playing"));

  const poll = async () => {
    const current = item;
    try {
      const status = await getJson(`${api}items/${current.id}/tts-status`);
      if (current !== item) return;
      root.dataset.status = status.status;
      if (status.status === "completed") {
        audio.src = `${api}items/${current.id}/audio`;
        audioReady = true;
        state.textContent = AUDIO_STATES.completed;
        refreshButtons();
        return;
      }
      if (status.status === "failed") {
        state.textContent = `The audio could not be made: ${status.error || "unknown error"}`;
        return;
      }
      state.textContent = AUDIO_STATES[status.status] || status.status;
    } catch (error) {
      state.textContent = `Checking the audio failed: ${error.message}`;
    }
    pollTimer = setTimeout(poll, 1000);
  };

  const show = (next) => {
    clearTimeout(pollTimer);
    item = next;
    root.dataset.itemId = String(item.id);
    audioReady = false;
    plays = 0;
    audio.removeAttribute("src");
    refreshButtons();
    body.hidden = false;
    queueState.hidden = true;
    const meta = root.querySelector("#item-meta");
    meta.textContent = `Difficulty ${item.difficulty} · ${item.locale}${item.tags.map((t) => ` · ${t}`).join("")}`;
    root.querySelector("#options-help").textContent =
      `${item.case_sensitive ? "Capitals count." : "Capitals do not count."} ` +
      `${item.keep_punctuation ? "Punctuation counts." : "Punctuation does not count."}`;
    const hint = root.querySelector("#hint");
    const hintButton = root.querySelector("#show-hint");
    hint.textContent = item.hint || "";
    hint.hidden = true;
    hintButton.hidden = !item.hint;
    hintButton.textContent = "Show hint";
    hintButton.setAttribute("aria-expanded", "false");
    typed.value = "";
    root.querySelector("#result").hidden = true;
    root.querySelector("#show-answer").hidden = true;
    state.textContent = AUDIO_STATES[item.tts_status] || "";
    poll();
    typed.focus();
  };

  const nothingLeft = (message) => {
    clearTimeout(pollTimer);
    item = null;
    body.hidden = true;
    queueState.hidden = false;
    queueState.textContent = message;
  };

  const next = async () => {
    try {
      if (mode === "weak") {
        const id = weakQueue.shift();
        if (id === undefined) return nothingLeft("That was every item with your weak words. Well done!");
        return show(await getJson(`${api}items/${id}`));
      }
      const exclude = item ? `?exclude=${item.id}` : "";
      const answer = await getJson(`${api}review/next${exclude}`);
      if (answer.item) return show(answer.item);
      const when = answer.next_due_at ? ` The next review is due ${new Date(answer.next_due_at).toLocaleString()}.` : "";
      return nothingLeft(`Nothing is due for review.${when}`);
    } catch (error) {
      return nothingLeft(`Could not load the next item: ${error.message}`);
    }
  };
  root.querySelector("#next").addEventListener("click", () => {
    if (mode === "item") window.location.assign(root.dataset.reviewUrl);
    else next();
  });

  root.querySelector("#show-hint").addEventListener("click", (event) => {
    const hint = root.querySelector("#hint");
    hint.hidden = !hint.hidden;
    event.currentTarget.setAttribute("aria-expanded", String(!hint.hidden));
    event.currentTarget.textContent = hint.hidden ? "Show hint" : "Hide hint";
  });
  root.querySelector("#show-answer").addEventListener("click", () => {
    root.querySelector("#answer-block").hidden = false;
    root.querySelector("#show-answer").hidden = true;
  });

  // Enter checks; Shift+Enter makes a new line.
  typed.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!item || !typed.value.trim()) return;
    const check = root.querySelector("#check");
    check.disabled = true;
    try {
      const response = await fetch(`${api}attempts`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ item_id: item.id, text: typed.value }),
      });
      const attempt = await response.json();
      if (!response.ok) throw new Error(attempt.error ? attempt.error.message : `HTTP ${response.status}`);
      showResult(root, attempt);
      plays = 0;
      refreshButtons();
    } catch (error) {
      showError(root, error.message);
    } finally {
      check.disabled = false;
    }
  });

  if (mode === "item") {
    getJson(`${api}items/${root.dataset.itemId}`).then(show, (error) => nothingLeft(error.message));
  } else {
    next();
  }
}

function wordSpan(text, kind) {
  const span = document.createElement("span");
  span.className = `diff-${kind}`;
  span.textContent = text;
  return span;
}

function showResult(root, attempt) {
  const result = root.querySelector("#result");
  result.hidden = false;
  root.querySelector("#wer").textContent = `Word error rate ${percent(attempt.wer)}`;
  root.querySelector("#counts").textContent =
    `${attempt.mistakes} mistake${attempt.mistakes === 1 ? "" : "s"}, ${attempt.typos} typo${attempt.typos === 1 ? "" : "s"}, ` +
    `${attempt.hits} of ${attempt.reference_words} words right, score ${percent(attempt.score ?? 0)}`;
  // The learner's own words, marked, with a gap for each missing word: no expected word is shown.
  const marks = root.querySelector("#marks");
  marks.replaceChildren();
  const diff = root.querySelector("#diff");
  diff.replaceChildren();
  for (const word of attempt.diff) {
    // The sentence as written and the answer as typed (older attempts have only the normalised words).
    const expectedText = word.expected_text ?? word.expected;
    const typedText = word.typed_text ?? word.typed;
    const kind = word.op === "delete" ? "missing" : word.op === "insert" ? "extra" : word.kind;
    const mark = wordSpan(word.op === "delete" ? "___" : typedText, kind);
    mark.title = kind === "ok" ? "right" : kind;
    marks.append(mark, " ");
    let node;
    if (word.op === "equal") node = wordSpan(typedText, "ok");
    else if (word.op === "delete") node = wordSpan(expectedText, "missing");
    else if (word.op === "insert") node = wordSpan(typedText, "extra");
    else {
      // A substitution shows what was typed, struck through, then what was expected.
      node = document.createElement("span");
      node.className = `diff-word diff-${word.kind}`;
      const typed = document.createElement("del");
      typed.textContent = typedText;
      const expected = document.createElement("ins");
      expected.textContent = expectedText;
      node.append(typed, " ", expected);
    }
    node.title = word.kind === "ok" ? "right" : word.kind;
    diff.append(node, " ");
  }
  // Per-word alternatives (`colour|color`) read as "colour / color".
  root.querySelector("#answer").textContent = `Answer: ${attempt.matched_answer.replace(/\|/g, " / ")}`;
  const perfect = attempt.wer === 0;
  root.querySelector("#answer-block").hidden = true;
  root.querySelector("#show-answer").hidden = perfect;
}

function showError(root, message) {
  const result = root.querySelector("#result");
  result.hidden = false;
  root.querySelector("#wer").textContent = "Could not check your answer.";
  root.querySelector("#counts").textContent = message;
  root.querySelector("#marks").replaceChildren();
  root.querySelector("#answer-block").hidden = true;
}

// --- progress chart ---------------------------------------------------------------------------------

function svgNode(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

function isoDate(date) {
  // The browser's local calendar date, which is normally the user's time zone too.
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function drawProgress(container, days) {
  const width = 720;
  const height = 260;
  const pad = { left: 40, right: 44, top: 16, bottom: 32 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  // A multiple of 4 keeps the four gridline labels whole numbers.
  const maxAttempts = Math.ceil(Math.max(1, ...days.map((d) => d.attempts)) / 4) * 4;
  const step = plotW / Math.max(1, days.length);
  const svg = svgNode("svg", { viewBox: `0 0 ${width} ${height}`, class: "progress-chart", role: "presentation" });

  // Axes and gridlines: attempts on the left, word error rate (0-100%) on the right.
  for (let i = 0; i <= 4; i += 1) {
    const y = pad.top + plotH - (plotH * i) / 4;
    svg.append(svgNode("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }));
    const left = svgNode("text", { x: pad.left - 6, y: y + 4, class: "axis", "text-anchor": "end" });
    left.textContent = String((maxAttempts * i) / 4);
    const right = svgNode("text", { x: width - pad.right + 6, y: y + 4, class: "axis" });
    right.textContent = `${25 * i}%`;
    svg.append(left, right);
  }

  const points = [];
  days.forEach((day, index) => {
    const x = pad.left + index * step;
    const barH = (plotH * day.attempts) / maxAttempts;
    const bar = svgNode("rect", {
      x: x + step * 0.15, y: pad.top + plotH - barH, width: Math.max(1, step * 0.7), height: barH, class: "bar",
    });
    const title = svgNode("title", {});
    title.textContent = `${day.date}: ${day.attempts} attempt(s)` +
      (day.average_wer === null ? "" : `, average WER ${percent(day.average_wer)}`);
    bar.append(title);
    svg.append(bar);
    if (day.average_wer !== null) {
      const wer = Math.min(1, day.average_wer);
      points.push([x + step / 2, pad.top + plotH - plotH * wer]);
    }
    if (index === 0 || index === days.length - 1 || (days.length > 10 && index % Math.ceil(days.length / 6) === 0)) {
      const label = svgNode("text", { x: x + step / 2, y: height - 10, class: "axis", "text-anchor": "middle" });
      label.textContent = day.date.slice(5);
      svg.append(label);
    }
  });
  if (points.length > 1) {
    svg.append(svgNode("polyline", { points: points.map((p) => p.join(",")).join(" "), class: "wer-line" }));
  }
  for (const [cx, cy] of points) svg.append(svgNode("circle", { cx, cy, r: 3.5, class: "wer-point" }));
  container.replaceChildren(svg);
}

function setupProgress(root) {
  const form = root.querySelector("#progress-form");
  const chart = root.querySelector("#chart");
  const load = async () => {
    const days = Number(form.elements.days.value);
    const until = new Date();
    const since = new Date(until.getTime() - (days - 1) * 86400000);
    const params = new URLSearchParams({ since: isoDate(since), until: isoDate(until) });
    if (form.elements.item_id.value) params.set("item_id", form.elements.item_id.value);
    try {
      const progress = await getJson(`${root.dataset.progressUrl}?${params}`);
      drawProgress(chart, progress.days);
      chart.dataset.loaded = "true";
    } catch (error) {
      chart.textContent = `Could not load progress: ${error.message}`;
    }
  };
  form.addEventListener("change", load);
  load();
}

export function drawForecast(container, days) {
  const width = 720;
  const height = 200;
  const pad = { left: 40, right: 12, top: 12, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const most = Math.ceil(Math.max(1, ...days.map((d) => d.due)) / 4) * 4;
  const step = plotW / Math.max(1, days.length);
  const svg = svgNode("svg", { viewBox: `0 0 ${width} ${height}`, class: "progress-chart", role: "presentation" });
  for (let i = 0; i <= 4; i += 1) {
    const y = pad.top + plotH - (plotH * i) / 4;
    svg.append(svgNode("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }));
    const label = svgNode("text", { x: pad.left - 6, y: y + 4, class: "axis", "text-anchor": "end" });
    label.textContent = String((most * i) / 4);
    svg.append(label);
  }
  days.forEach((day, index) => {
    const x = pad.left + index * step;
    const barH = (plotH * day.due) / most;
    const bar = svgNode("rect", {
      x: x + step * 0.15, y: pad.top + plotH - barH, width: Math.max(1, step * 0.7), height: barH, class: "bar",
    });
    const title = svgNode("title", {});
    title.textContent = `${day.date}: ${day.due} due`;
    bar.append(title);
    svg.append(bar);
    if (index % 7 === 0) {
      const label = svgNode("text", { x: x + step / 2, y: height - 8, class: "axis", "text-anchor": "middle" });
      label.textContent = String(day.date).slice(5);
      svg.append(label);
    }
  });
  container.replaceChildren(svg);
  container.dataset.loaded = "true";
}

// --- item list: live audio state ----------------------------------------------------------------------

function setupItemList(table) {
  const api = table.dataset.api;
  const labels = { pending: "Pending", running: "Running", completed: "Completed", failed: "Failed" };
  const watch = async (badge) => {
    try {
      const status = await getJson(`${api}items/${badge.dataset.itemId}/tts-status`);
      if (status.status !== badge.dataset.status) {
        badge.classList.remove(badge.dataset.status);
        badge.classList.add(status.status);
        badge.dataset.status = status.status;
        badge.textContent = labels[status.status] || status.status;
        if (status.error) badge.title = status.error;
      }
      if (status.status === "completed" || status.status === "failed") return;
    } catch (error) {
      badge.title = `Checking the audio failed: ${error.message}`;
    }
    setTimeout(() => watch(badge), 1500);
  };
  table.querySelectorAll(".tts-status").forEach((badge) => {
    if (badge.dataset.status === "pending" || badge.dataset.status === "running") watch(badge);
  });
}

const items = document.querySelector("#dictation-items");
if (items) setupItemList(items);
const forecast = document.querySelector("#forecast-data");
if (forecast) drawForecast(document.querySelector("#forecast-chart"), JSON.parse(forecast.textContent));
const practice = document.querySelector("#practice");
if (practice) setupPractice(practice);
const progress = document.querySelector("#progress");
if (progress) setupProgress(progress);
