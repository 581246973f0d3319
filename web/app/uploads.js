// uploads: files on their way to the server (docs/protocol.md "Media": resumable uploads), one
// queue per signed-in app. Uploads are not persisted: a reload drops them (the server removes
// the unfinished ones after 24 h).
//
// Contract
// - uploadStep(state, event) is the whole protocol as a pure step function; nextChunk(state)
//   the byte range [start, end) the next PUT carries. Phases: create -> put -> complete ->
//   done; a lost connection goes to `check` (GET the upload, resume from what the server has;
//   before the upload exists: create again); a `conflict` answer resumes from the `received`
//   it carries; any other error is `failed` (with its code); cancel() is `cancelled`.
// - createUploads({api, onDone}) runs uploads one chunk at a time each, with backoff on a lost
//   connection. add({file, kind, target, replyTo}) starts one; target is {conversationId} or
//   {to}. item.progress() is 0..1 (bytes the server has plus the running chunk's). onDone
//   (item, media) is called once the media object exists; the item then leaves the queue.
//   cancel(key) aborts the running request and abandons the upload on the server; dismiss(key)
//   drops a failed one. subscribe(listener) is told after every change.
import { createBackoff } from './backoff.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const VIDEO_TYPES = new Set(['video/webm', 'video/mp4', 'video/quicktime', 'video/x-matroska']);
const RETRYABLE = new Set(['network', 'unavailable', 'internal', 'rate_limited']);

export function uploadKindOf(file) {
  if (IMAGE_TYPES.has(file.type)) return 'image';
  return VIDEO_TYPES.has(file.type) ? 'video' : 'file';
}

export function initialUpload(size) {
  return { phase: 'create', size, received: 0, chunkBytes: 0, uploadId: null, media: null, error: null, losses: 0 };
}

function afterReceived(state, received) {
  return { ...state, received, phase: received >= state.size ? 'complete' : 'put' };
}

export function uploadStep(state, event) {
  if (state.phase === 'cancelled' || state.phase === 'done') return state;
  switch (event.type) {
    case 'created':
      return afterReceived({ ...state, uploadId: event.upload_id, chunkBytes: event.chunk_bytes }, event.received ?? 0);
    case 'stored':
    case 'conflict':
      return afterReceived({ ...state, losses: event.type === 'stored' ? 0 : state.losses }, event.received);
    case 'lost':
      return { ...state, phase: state.uploadId ? 'check' : 'create', losses: state.losses + 1 };
    case 'completed':
      return { ...state, phase: 'done', media: event.media };
    case 'failed':
      return { ...state, phase: 'failed', error: event.code };
    case 'cancel':
      return { ...state, phase: 'cancelled' };
    default:
      return state;
  }
}

export function nextChunk(state) {
  if (state.phase !== 'put') return null;
  return { start: state.received, end: Math.min(state.size, state.received + state.chunkBytes) };
}

export function createUploads({ api, onDone }) {
  const items = new Map(); // key -> item
  const listeners = new Set();
  let counter = 0;

  function change() {
    for (const listener of listeners) listener();
  }

  async function request(item) {
    const { state, file } = item;
    switch (state.phase) {
      case 'create': {
        const created = await api.createUpload({ name: file.name || 'file', size: file.size, kind: item.kind });
        return { type: 'created', ...created };
      }
      case 'check':
        return { type: 'stored', received: (await api.upload(state.uploadId)).received };
      case 'put': {
        const { start, end } = nextChunk(state);
        item.abort = new AbortController();
        const stored = await api.putChunk(state.uploadId, file.slice(start, end), start, state.size, {
          signal: item.abort.signal,
          onProgress: (loaded) => { item.inFlight = loaded; change(); },
        });
        item.inFlight = 0;
        return { type: 'stored', received: stored.received };
      }
      case 'complete':
        return { type: 'completed', media: await api.completeUpload(state.uploadId) };
      default:
        return null;
    }
  }

  async function run(item) {
    const backoff = createBackoff();
    while (['create', 'check', 'put', 'complete'].includes(item.state.phase)) {
      let event;
      try {
        event = await request(item);
      } catch (error) {
        item.inFlight = 0;
        if (item.state.phase === 'cancelled') break;
        if (error.code === 'conflict' && typeof error.received === 'number') event = { type: 'conflict', received: error.received };
        else if (RETRYABLE.has(error.code)) event = { type: 'lost' };
        else event = { type: 'failed', code: error.code };
      }
      // Cancelled while the upload was being created: abandon the one the server just made.
      if (item.state.phase === 'cancelled' && event.type === 'created') api.abandonUpload(event.upload_id).catch(() => {});
      item.state = uploadStep(item.state, event);
      change();
      if (event.type === 'stored') backoff.reset();
      if (event.type === 'lost') await new Promise((resolve) => { setTimeout(resolve, backoff.next()); });
    }
    if (item.state.phase === 'done') {
      items.delete(item.key);
      onDone(item, item.state.media);
      change();
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    add({ file, kind = uploadKindOf(file), target, replyTo = null }) {
      counter += 1;
      const item = {
        key: `u${counter}`, file, kind, target, replyTo, state: initialUpload(file.size), inFlight: 0, abort: null,
        progress() {
          return this.state.size ? Math.min(1, (this.state.received + this.inFlight) / this.state.size) : 0;
        },
      };
      items.set(item.key, item);
      change();
      run(item);
      return item;
    },
    cancel(key) {
      const item = items.get(key);
      if (!item) return;
      item.state = uploadStep(item.state, { type: 'cancel' });
      item.abort?.abort();
      if (item.state.uploadId) api.abandonUpload(item.state.uploadId).catch(() => {});
      items.delete(key);
      change();
    },
    dismiss(key) {
      items.delete(key);
      change();
    },
    forTarget({ conversationId, to }) {
      return [...items.values()].filter((item) => (conversationId
        ? item.target.conversationId === conversationId
        : item.target.to === to));
    },
  };
}
