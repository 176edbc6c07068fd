// Shared microphone capture for live pages (chat, meetings, voice bot test call).
//
//   import { startCapture } from "./mic-capture.js";
//   const stop = await startCapture({ onFrame(buffer) {...}, onError(error) {...} });
//   ...
//   stop();
//
// onFrame receives ArrayBuffers of PCM16LE mono 16 kHz, 100 ms each (3200 bytes), ready to send
// as binary WebSocket frames. startCapture rejects when the microphone is refused or missing
// (error.name is the browser's: NotAllowedError, NotFoundError, ...); onError reports a device
// that ends while capturing. stop() releases the microphone and the audio context.

const WORKLET_URL = new URL("./pcm-worklet.js", import.meta.url);

export function captureSupported() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.AudioWorkletNode);
}

export async function startCapture({ onFrame, onError = () => {} }) {
  if (!captureSupported()) {
    const error = new Error("This browser cannot capture audio (needs getUserMedia and AudioWorklet over HTTPS).");
    error.name = "NotSupportedError";
    throw error;
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  let context;
  try {
    context = new AudioContext({ sampleRate: 16000 });
  } catch {
    context = new AudioContext(); // the worklet resamples whatever rate we get
  }
  try {
    await context.audioWorklet.addModule(WORKLET_URL);
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    await context.close();
    throw error;
  }
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, "pcm-worklet", { numberOfInputs: 1, numberOfOutputs: 0 });
  node.port.onmessage = (event) => onFrame(event.data);
  source.connect(node);
  if (context.state === "suspended") await context.resume();

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    node.port.onmessage = null;
    source.disconnect();
    node.disconnect();
    stream.getTracks().forEach((track) => track.stop());
    context.close();
  };
  for (const track of stream.getAudioTracks()) {
    track.addEventListener("ended", () => {
      if (stopped) return;
      stop();
      const error = new Error("The microphone stopped.");
      error.name = "EndedError";
      onError(error);
    });
  }
  return stop;
}
