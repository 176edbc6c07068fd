// Lines of a live meeting as they arrive ({type: "partial" | "final", text, start}): shared by the
// recording page and the meeting page a participant watches.

// A time in the recording as h:mm:ss (m:ss under an hour), as the meeting page prints it.
export function hms(seconds) {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

export function showLiveEvent(message, { partial, finals }) {
  if (message.type === "partial") partial.textContent = message.text;
  if (message.type !== "final") return;
  finals.querySelector("li.muted")?.remove(); // "No transcript yet."
  const item = document.createElement("li");
  item.className = "line live-line";
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = hms(message.start);
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  item.append(time, text);
  finals.append(item);
  partial.textContent = "";
}
