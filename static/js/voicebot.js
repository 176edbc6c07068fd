// Staff test call: the browser plays the phone network, speaking Plivo's stream protocol
// (20 ms mu-law 8 kHz frames in `media`, `playAudio`/`checkpoint`/`clearAudio` back).
const panel = document.getElementById("test-call");
const button = document.getElementById("call-button");
const status = document.getElementById("call-status");
const streamId = crypto.randomUUID();
let socket = null;
let context = null;
let micStream = null;
let pending = [];
let playing = [];
let playHead = 0;
let callUrl = null;
let lastError = null; // what the server said before it closed the call (busy lines, too many test calls)

function muLawEncode(sample) {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, Math.round(sample * 32767)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function muLawDecode(byte) {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return (sign ? -magnitude : magnitude) / 32768;
}

function toBase64(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function onMicBlock(block) {
  if (!context) return; // a block the worklet posted just before the hang-up
  // Average down to 8 kHz, then ship 160-sample (20 ms) frames.
  const ratio = context.sampleRate / 8000;
  for (let i = 0; i + ratio <= block.length; i += ratio) {
    let sum = 0;
    const end = Math.floor(i + ratio);
    for (let j = Math.floor(i); j < end; j++) sum += block[j];
    pending.push(sum / Math.max(1, end - Math.floor(i)));
  }
  while (pending.length >= 160) {
    const frame = new Uint8Array(pending.splice(0, 160).map(muLawEncode));
    send({ event: "media", streamId, media: { track: "inbound", payload: toBase64(frame) } });
  }
}

function play(payload) {
  if (!context) return;
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  const buffer = context.createBuffer(1, bytes.length, 8000);
  const data = buffer.getChannelData(0);
  bytes.forEach((b, i) => { data[i] = muLawDecode(b); });
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(context.destination);
  playHead = Math.max(playHead, context.currentTime + 0.05);
  source.start(playHead);
  playHead += buffer.duration;
  playing.push(source);
  source.onended = () => { playing = playing.filter((s) => s !== source); };
}

function say(who, text) {
  const line = document.createElement("li");
  const name = document.createElement("span");
  name.className = "who";
  name.textContent = who;
  line.append(name, ` ${text}`);
  document.getElementById("conversation").append(line);
}

function onMessage(event) {
  const message = JSON.parse(event.data);
  if (message.event === "playAudio") {
    play(message.media.payload);
    status.textContent = "Bot speaking…";
  } else if (message.event === "checkpoint") {
    if (!context) return;
    const wait = Math.max(0, playHead - context.currentTime) * 1000;
    setTimeout(() => {
      if (!socket) return; // the call ended meanwhile: its last words were playing
      send({ event: "playedStream", streamId, name: message.name });
      status.textContent = "Listening…";
    }, wait);
  } else if (message.event === "clearAudio") {
    playing.forEach((s) => s.stop());
    playing = [];
    playHead = 0;
    send({ event: "clearedAudio", streamId });
  } else if (message.event === "turn") {
    if (message.caller) say("You", message.caller);
    say("Bot", message.bot);
  } else if (message.event === "call") {
    callUrl = message.url; // this test call's transcript and latency, linked once it ends
  } else if (message.type === "error") {
    lastError = message.message;
    status.textContent = `Error: ${message.message}`;
  }
}

async function startCall() {
  callUrl = null;
  lastError = null;
  document.getElementById("conversation").replaceChildren();
  context = new AudioContext();
  await context.audioWorklet.addModule(panel.dataset.worklet);
  micStream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
  const node = new AudioWorkletNode(context, "voicebot-capture");
  node.port.onmessage = (e) => onMicBlock(e.data);
  context.createMediaStreamSource(micStream).connect(node);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${panel.dataset.socket}`);
  socket.onopen = () => {
    send({ event: "start", start: { streamId, callId: streamId, mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000 } } });
    status.textContent = "Connected.";
  };
  socket.onmessage = onMessage;
  socket.onclose = (e) => {
    // Either side hung up (or the line dropped): say so in words, link the transcript, and let the bot's
    // last words finish playing before the audio stops.
    socket = null;
    status.textContent = `Call ended${endedBecause(e.code)}. `;
    if (callUrl) {
      const link = document.createElement("a");
      link.href = callUrl;
      link.id = "call-link";
      link.textContent = "Transcript and latency of this call";
      status.append(link);
    }
    if (micStream) micStream.getTracks().forEach((t) => t.stop());
    const left = context ? Math.max(0, playHead - context.currentTime) * 1000 : 0;
    setTimeout(() => endCall(false), left);
  };
  button.setAttribute("aria-pressed", "true");
  button.textContent = "Hang up";
}

// Why a call ended, in words: the server's own message when it sent one, else what the close code means.
function endedBecause(code) {
  if (lastError) return `: ${lastError}`;
  if (code === 4429) return ": all lines are busy, or you made too many test calls; try again in a minute";
  if (code === 4404) return ": this business was not found";
  if (code === 4401) return ": you are signed out; sign in and call again";
  if (code === 1000 || code === 1005) return "";
  return ": the connection to the server dropped";
}

function endCall(sendStop = true) {
  if (sendStop) send({ event: "stop", streamId });
  if (socket && sendStop) {
    // We hang up: the server closes the socket after its "stop", and onclose above says so.
    status.textContent = "Hanging up…";
    socket.close(1000);
    return;
  }
  if (micStream) micStream.getTracks().forEach((t) => t.stop());
  if (context) context.close();
  socket = null; micStream = null; context = null; pending = []; playing = []; playHead = 0;
  button.setAttribute("aria-pressed", "false");
  button.textContent = "Call";
}

button.addEventListener("click", () => {
  if (socket) endCall();
  else startCall().catch((err) => { status.textContent = `Could not start: ${err.message}`; endCall(false); });
});
document.getElementById("keypad").addEventListener("click", (e) => {
  const digit = e.target.dataset && e.target.dataset.digit;
  if (digit) send({ event: "dtmf", streamId, dtmf: { digit } });
});
