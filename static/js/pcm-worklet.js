// AudioWorklet: mono float input at the context's rate -> PCM16LE mono 16 kHz, posted in 100 ms
// frames (3200 bytes). Linear-interpolation resampling with a fractional position carried across
// render quanta, so any input rate (44.1/48 kHz, or 16 kHz when the browser honours it) works.
const TARGET_RATE = 16000;
const FRAME_SAMPLES = 1600;

class PcmWorklet extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE;
    this.position = 0; // fractional index into the pending input
    this.pending = new Float32Array(0);
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0 || channels[0].length === 0) return true;
    const length = channels[0].length;
    const input = new Float32Array(this.pending.length + length);
    input.set(this.pending);
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      input[this.pending.length + i] = sum / channels.length;
    }
    let pos = this.position;
    while (pos + 1 < input.length) {
      const index = Math.floor(pos);
      const frac = pos - index;
      const value = input[index] * (1 - frac) + input[index + 1] * frac;
      const clipped = Math.max(-1, Math.min(1, value));
      this.frame[this.filled++] = clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff;
      if (this.filled === FRAME_SAMPLES) {
        const out = this.frame.slice(0);
        this.port.postMessage(out.buffer, [out.buffer]);
        this.filled = 0;
      }
      pos += this.step;
    }
    const keepFrom = Math.floor(pos);
    this.pending = input.slice(keepFrom);
    this.position = pos - keepFrom;
    return true;
  }
}

registerProcessor("pcm-worklet", PcmWorklet);
