// The signed-in user's notifications (e.g. "your meeting is ready") on every page: a toast in the
// page and, when the tab is hidden and the user allowed it, a browser notification.
(() => {
  const region = document.getElementById("notifications");
  if (!region) return;
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  let delay = 1000;

  function show(event) {
    const item = document.createElement("li");
    item.className = `toast ${event.type === "meeting.failed" ? "error" : "ok"}`;
    item.dataset.type = event.type;
    const text = document.createElement("span");
    text.textContent = event.message || "";
    item.append(text);
    if (event.url) {
      const link = document.createElement("a");
      link.href = event.url;
      link.textContent = "Open";
      item.append(" ", link);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "link-button";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", () => item.remove());
    item.append(" ", close);
    region.append(item);
    if (document.hidden && "Notification" in window && Notification.permission === "granted") {
      const note = new Notification("Sawt", { body: event.message || "", tag: `${event.type}-${event.job || ""}` });
      note.addEventListener("click", () => { window.focus(); if (event.url) window.location.assign(event.url); });
    }
  }

  function connect() {
    let socket;
    try {
      socket = new WebSocket(`${scheme}://${window.location.host}/ws/notifications/`);
    } catch { return; }
    socket.addEventListener("open", () => { delay = 1000; });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (!event.type || event.type === "error") return;
      // The meeting's own page reloads itself when its job ends.
      if (event.url && window.location.pathname === event.url) return;
      show(event);
    });
    socket.addEventListener("close", (closed) => {
      if (closed.code >= 4400 && closed.code < 4500) return; // signed out or refused: do not hammer
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
