// video_recorder: records a short video from the camera and microphone with MediaRecorder (WebM
// with VP9 or VP8 and Opus, as the server accepts), loaded on the first use of the camera
// button (composer.js). createVideoRecorder({onDone, onCancel}) returns {element, start, finish}:
// - start() asks for the camera and microphone, shows the camera live (muted) and starts
//   recording; it rejects (error.name, e.g. NotAllowedError or NotFoundError) when there is no
//   camera, no permission, or MediaRecorder cannot make WebM.
// - element is the panel shown while recording: the live picture, a red dot, the elapsed time
//   (out of MAX_MS), Cancel and Send. At MAX_MS the recording stops and is sent.
// - finish(send) stops: with send, onDone(file, durationMs) gets the recording as a File named
//   video-<time>.webm; without, onCancel(). Camera and microphone are released either way.
import { h } from '../dom.js';
import { formatDuration } from '../format.js';
import { t } from '../i18n.js';

const MAX_MS = 60_000;
const TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'];

export function createVideoRecorder({ onDone, onCancel }) {
  const live = h('video', { className: 'recording-live', muted: true, autoplay: true, playsinline: true, 'aria-hidden': 'true' });
  const time = h('span', { className: 'recording-time', 'aria-hidden': 'true' }, `0:00 / ${formatDuration(MAX_MS)}`);
  const element = h('div', { className: 'video-recorder', role: 'group', 'aria-label': t('recording_video') },
    live,
    h('div', { className: 'recording-bar' },
      h('span', { className: 'recording-dot', 'aria-hidden': 'true' }),
      h('span', { className: 'visually-hidden', role: 'status' }, t('recording_video')),
      time,
      h('button', { type: 'button', className: 'recording-cancel', onClick: () => finish(false) }, t('cancel')),
      h('button', { type: 'button', className: 'primary recording-send', onClick: () => finish(true) }, t('send_video'))));
  let recorder = null;
  let stream = null;
  let startedAt = 0;
  let timer = null;
  const chunks = [];

  async function start() {
    const type = typeof MediaRecorder === 'undefined' ? undefined : TYPES.find((m) => MediaRecorder.isTypeSupported(m));
    if (!type) throw Object.assign(new Error('MediaRecorder cannot record WebM'), { name: 'NotSupportedError' });
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: true });
    live.muted = true;
    live.srcObject = stream;
    recorder = new MediaRecorder(stream, { mimeType: type });
    recorder.addEventListener('dataavailable', (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.start(500);
    startedAt = performance.now();
    timer = setInterval(() => {
      const elapsed = performance.now() - startedAt;
      time.textContent = `${formatDuration(elapsed)} / ${formatDuration(MAX_MS)}`;
      if (elapsed >= MAX_MS) finish(true);
    }, 250);
  }

  function release() {
    clearInterval(timer);
    live.srcObject = null;
    for (const track of stream?.getTracks() ?? []) track.stop();
  }

  function finish(send) {
    if (!recorder || recorder.state === 'inactive') {
      release();
      onCancel();
      return;
    }
    const durationMs = performance.now() - startedAt;
    clearInterval(timer);
    recorder.addEventListener('stop', () => {
      release();
      if (!send) {
        onCancel();
        return;
      }
      const name = `video-${new Date().toISOString().replace(/[:.]/g, '-')}.webm`;
      onDone(new File(chunks, name, { type: 'video/webm' }), durationMs);
    }, { once: true });
    recorder.stop();
  }

  return { element, start, finish };
}
