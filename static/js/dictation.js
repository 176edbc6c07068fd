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

function setupPractice(root) {
  const audio = root.querySelector("#dictation-audio");
  const buttons = ["#play", "#replay", "#slow"].map((s) => root.querySelector(s));
  const [play, replay, slow] = buttons;
  const state = root.querySelector("#audio-state");

  const ready = () => {
    audio.src = root.dataset.audioUrl;
    buttons.forEach((b) => { b.disabled = false; });
    state.textContent = "Ready. Play the sentence, then type what you hear.";
  };
  const start = (rate, fromStart) => {
    audio.playbackRate = rate;
    if (fromStart) audio.currentTime = 0;
    audio.play();
  };
  play.addEventListener("click", () => start(1, false));
  replay.addEventListener("click", () => start(1, true));
  slow.addEventListener("click", () => start(0.75, true));
  // Playback speed resets on a new source in some browsers; keep the chosen one.
  audio.addEventListener("play", () => root.classList.add("playing"));
  audio.addEventListener("ended", () => root.classList.remove("playing"));

  const poll = async () => {
    try {
      const status = await getJson(root.dataset.statusUrl);
      if (status.status === "completed") return ready();
      if (status.status === "failed") {
        state.textContent = `The audio could not be made: ${status.error || "unknown error"}`;
        return undefined;
      }
    } catch (error) {
      state.textContent = `Checking the audio failed: ${error.message}`;
    }
    setTimeout(poll, 1000);
    return undefined;
  };
  if (root.dataset.status === "completed") ready();
  else if (root.dataset.status !== "failed") poll();

  const hintButton = root.querySelector("#show-hint");
  if (hintButton) {
    hintButton.addEventListener("click", () => {
      const hint = root.querySelector("#hint");
      hint.hidden = !hint.hidden;
      hintButton.setAttribute("aria-expanded", String(!hint.hidden));
      hintButton.textContent = hint.hidden ? "Show hint" : "Hide hint";
    });
  }

  const form = root.querySelector("#attempt-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const check = root.querySelector("#check");
    check.disabled = true;
    try {
      const response = await fetch(root.dataset.attemptsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ item_id: Number(root.dataset.itemId), text: root.querySelector("#typed").value }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
      showResult(root, body);
    } catch (error) {
      showError(root, error.message);
    } finally {
      check.disabled = false;
    }
  });
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
    `${attempt.hits} of ${attempt.reference_words} words right`;
  const diff = root.querySelector("#diff");
  diff.replaceChildren();
  for (const word of attempt.diff) {
    // The sentence as written and the answer as typed (older attempts have only the normalised words).
    const expectedText = word.expected_text ?? word.expected;
    const typedText = word.typed_text ?? word.typed;
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
  root.querySelector("#answer").textContent = `Answer: ${attempt.matched_answer}`;
}

function showError(root, message) {
  const result = root.querySelector("#result");
  result.hidden = false;
  root.querySelector("#wer").textContent = "Could not check your answer.";
  root.querySelector("#counts").textContent = message;
  root.querySelector("#diff").replaceChildren();
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

const practice = document.querySelector("#practice");
if (practice) setupPractice(practice);
const progress = document.querySelector("#progress");
if (progress) setupProgress(progress);
