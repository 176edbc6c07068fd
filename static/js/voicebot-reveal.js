// A caller's full number on request (owners and staff; each look is recorded server-side), with a copy button.
import { csrfToken } from "./csrf.js";

const box = document.getElementById("reveal-number");
if (box) {
  const shown = document.getElementById("revealed-number");
  const copy = document.getElementById("copy-number");
  document.getElementById("reveal-button").addEventListener("click", async () => {
    const response = await fetch(box.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
    if (!response.ok) {
      shown.textContent = response.status === 403 ? "Only owners and staff can see numbers." : "No number is kept.";
      return;
    }
    const answer = await response.json();
    shown.textContent = answer.phone;
    shown.classList.remove("muted");
    copy.hidden = false;
    copy.onclick = () => navigator.clipboard.writeText(answer.phone);
  });
}
