// voice_recorder: records a voice message from the microphone with MediaRecorder (Opus in WebM,
// as the server accepts), loaded on the first use of the microphone button (composer.js).
// createVoiceRecorder({onDone, onCancel}) returns {element, start, finish}:
// - start() asks for the microphone and starts recording; it rejects (error.name, e.g.
//   NotAllowedError) when there is no microphone or no permission, or MediaRecorder cannot
//   make Opus.
// - element is the bar shown while recording: a red dot, the elapsed time (updated every
//   second, announced to screen readers once), Cancel and Send.
// - finish(send) stops: with send, onDone(file, durationMs) gets the recording as a File
//   named voice-<time>.webm; without, onCancel(). The microphone is released either way.
import { h } from '../dom.js';
import { formatDuration } from '../format.js';
import { t } from '../i18n.js';

export const VOICE_MIME = 'audio/webm;codecs=opus';

export function createVoiceRecorder({ onDone, onCancel }) {
  const time = h('span', { className: 'recording-time', 'aria-hidden': 'true' }, '0:00');
  const element = h('div', { className: 'recording-bar', role: 'group', 'aria-label': t('recording') },
    h('span', { className: 'recording-dot', 'aria-hidden': 'true' }),
    h('span', { className: 'visually-hidden', role: 'status' }, t('recording')),
    time,
    h('button', { type: 'button', className: 'recording-cancel', onClick: () => finish(false) }, t('cancel')),
    h('button', { type: 'button', className: 'primary recording-send', onClick: () => finish(true) }, t('send_voice')));
  let recorder = null;
  let stream = null;
  let startedAt = 0;
  let timer = null;
  const chunks = [];

  async function start() {
    if (typeof MediaRecorder === 'undefined' || !MediaRecorder.isTypeSupported(VOICE_MIME)) {
      throw Object.assign(new Error('MediaRecorder cannot record Opus'), { name: 'NotSupportedError' });
    }
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    recorder = new MediaRecorder(stream, { mimeType: VOICE_MIME });
    recorder.addEventListener('dataavailable', (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.start(250);
    startedAt = performance.now();
    timer = setInterval(() => { time.textContent = formatDuration(performance.now() - startedAt); }, 250);
  }

  function release() {
    clearInterval(timer);
    for (const track of stream?.getTracks() ?? []) track.stop();
  }

  function finish(send) {
    if (!recorder || recorder.state === 'inactive') {
      release();
      onCancel();
      return;
    }
    const durationMs = performance.now() - startedAt;
    recorder.addEventListener('stop', () => {
      release();
      if (!send) {
        onCancel();
        return;
      }
      const name = `voice-${new Date().toISOString().replace(/[:.]/g, '-')}.webm`;
      onDone(new File(chunks, name, { type: VOICE_MIME }), durationMs);
    }, { once: true });
    recorder.stop();
  }

  return { element, start, finish };
}
