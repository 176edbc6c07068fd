// Shared microphone capture for live pages (chat, meetings, voice bot test call).
//
//   import { startCapture } from "./mic-capture.js";
//   const stop = await startCapture({ onFrame(buffer) {...}, onError(error) {...} });
//   ...
//   stop();
//
// onFrame receives ArrayBuffers of PCM16LE mono 16 kHz, 100 ms each (3200 bytes), ready to send
// as binary WebSocket frames. startCapture rejects when the microphone is refused or missing
// (error.name is the browser's: NotAllowedError, NotFoundError, ...; AudioProcessingError when the
// audio graph cannot be built, the microphone released first); onError reports a device
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
  // The context runs at the device's own rate: Firefox cannot connect a microphone to a context
  // whose rate differs from the device's, and the worklet resamples to 16 kHz whatever it gets.
  let context = null;
  let source = null;
  let node = null;
  try {
    context = new AudioContext();
    await context.audioWorklet.addModule(WORKLET_URL);
    source = context.createMediaStreamSource(stream);
    node = new AudioWorkletNode(context, "pcm-worklet", { numberOfInputs: 1, numberOfOutputs: 0 });
    node.port.onmessage = (event) => onFrame(event.data);
    source.connect(node);
    if (context.state === "suspended") await context.resume();
  } catch (error) {
    // Whatever failed, the microphone is released (its indicator goes off) before the error is told.
    stream.getTracks().forEach((track) => track.stop());
    if (source) source.disconnect();
    if (context) context.close().catch(() => {});
    const failure = new Error(`The browser could not process the microphone's audio: ${error.message || error}`);
    failure.name = "AudioProcessingError";
    failure.cause = error;
    throw failure;
  }

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
