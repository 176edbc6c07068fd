// Microphone capture for the voice bot test call: hands raw Float32 blocks to the page.
class CaptureProcessor extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor("voicebot-capture", CaptureProcessor);
