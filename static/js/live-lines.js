// Lines of a live meeting as they arrive ({type: "partial" | "final", text, start}): shared by the
// recording page and the meeting page a participant watches.

export function showLiveEvent(message, { partial, finals }) {
  if (message.type === "partial") partial.textContent = message.text;
  if (message.type !== "final") return;
  finals.querySelector("li.muted")?.remove(); // "No transcript yet."
  const item = document.createElement("li");
  item.className = "line live-line";
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = `${Number(message.start).toFixed(1)}s`;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  item.append(time, text);
  finals.append(item);
  partial.textContent = "";
}
