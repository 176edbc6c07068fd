// Staff test page: the booking dialogue by text (POST /api/v1/voicebot/businesses/<id>/chat).
import { csrfToken } from "./csrf.js";

const panel = document.getElementById("test-chat");
const form = document.getElementById("chat-form");
const input = document.getElementById("chat-text");
const lines = document.getElementById("chat-lines");
const slotsLine = document.getElementById("chat-slots");
let conversation = null;

function line(who, text) {
  const item = document.createElement("li");
  item.className = who;
  const label = document.createElement("strong");
  label.textContent = who === "caller" ? "You: " : "Bot: ";
  item.append(label, document.createTextNode(text));
  lines.append(item);
}

function showSlots(answer) {
  const s = answer.slots;
  const parts = [
    `date ${s.date ?? "–"}`,
    `time ${s.time ?? "–"}`,
    `party ${s.party_size ?? "–"}`,
    `name ${s.name ?? "–"}`,
  ];
  if (answer.reservation) parts.push(`booked: reservation ${answer.reservation}`);
  slotsLine.textContent = `Understood: ${parts.join(", ")}`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  line("caller", text);
  const response = await fetch(panel.dataset.url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ text, conversation }),
  });
  if (!response.ok) {
    line("bot", response.status === 400 ? "That message is too long (500 characters at most)." : "Sorry, that failed.");
    return;
  }
  const answer = await response.json();
  conversation = answer.done ? null : answer.conversation;
  line("bot", answer.reply);
  showSlots(answer);
});

document.getElementById("chat-restart").addEventListener("click", () => {
  conversation = null;
  lines.replaceChildren();
  slotsLine.textContent = "";
  input.focus();
});
