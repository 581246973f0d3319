// media_view: how a message's media shows in a bubble, for one chat view.
// createMediaViews({cache, onOpenImage}) returns {render(media, message), dispose()}:
// - image: a button with the picture at its real aspect ratio (fitted in 280x280): the inline
//   preview blurred at once, then the thumbnail (fetched with the token, cache) sharp; a click
//   calls onOpenImage(media).
// - voice: a play/pause button, a progress bar and "elapsed / duration" (duration_ms from the
//   server; the audio is fetched on the first play). The player of each media id is made once
//   per view and reused by every render, so a new message does not stop a clip playing.
// - video: the poster with the duration and a play button, then a player (video_view.js); kept
//   per media id like voice players.
// - file: a card with an icon, the name, the size and a download button (saved under its name).
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatBytes, formatDuration } from '../format.js';
import { t } from '../i18n.js';
import { mediaPath } from '../media_cache.js';
import { videoView } from './video_view.js';

const BOX_PX = 280;

function fitted(media) {
  const width = media.width || BOX_PX;
  const height = media.height || BOX_PX;
  const scale = Math.min(1, BOX_PX / Math.max(width, height));
  return { width: Math.max(48, Math.round(width * scale)), height: Math.max(48, Math.round(height * scale)) };
}

function imageView(media, cache, onOpenImage) {
  const path = mediaPath(media.id, true);
  const ready = cache.ready(path);
  const { width, height } = fitted(media);
  const img = h('img', {
    alt: '', width, height, src: ready ?? media.preview ?? false,
    className: ready ? 'thumb' : 'thumb blur', 'data-media-id': media.id,
  });
  if (!ready) {
    cache.load(path).then((url) => {
      img.src = url;
      img.classList.remove('blur');
      img.dataset.loaded = 'true';
    }).catch(() => img.classList.add('broken'));
  } else img.dataset.loaded = 'true';
  return h('button', {
    type: 'button', className: 'media-image', style: { width: `${width}px`, 'aspect-ratio': `${width}/${height}` },
    'aria-label': t('open_image', { name: media.name || t('image') }), onClick: () => onOpenImage(media),
  }, img);
}

function voiceView(media, cache) {
  const audio = new Audio();
  audio.preload = 'none';
  const button = h('button', { type: 'button', className: 'voice-play', 'aria-label': t('play'), title: t('play'), onClick: toggle }, '▶');
  const bar = h('span', { className: 'voice-bar' });
  const track = h('span', { className: 'voice-track', role: 'progressbar', 'aria-label': t('voice_message'), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, bar);
  const duration = h('span', { className: 'voice-time' }, formatDuration(media.duration_ms));
  const element = h('div', { className: 'voice', 'data-media-id': media.id, 'data-state': 'paused' }, button, track, duration);
  let loading = null;

  function show() {
    const total = media.duration_ms || (Number.isFinite(audio.duration) ? audio.duration * 1000 : 0);
    const elapsed = audio.currentTime * 1000;
    const percent = total ? Math.min(100, (elapsed / total) * 100) : 0;
    bar.style.width = `${percent}%`;
    track.setAttribute('aria-valuenow', String(Math.round(percent)));
    duration.textContent = audio.currentTime > 0 ? `${formatDuration(elapsed)} / ${formatDuration(total)}` : formatDuration(total);
    const playing = !audio.paused && !audio.ended;
    element.dataset.state = playing ? 'playing' : (audio.ended ? 'ended' : 'paused');
    button.textContent = playing ? '⏸' : '▶';
    const label = playing ? t('pause') : t('play');
    button.setAttribute('aria-label', label);
    button.title = label;
  }

  async function toggle() {
    if (!audio.paused) {
      audio.pause();
      return;
    }
    loading ??= cache.load(mediaPath(media.id)).then((url) => { audio.src = url; });
    try {
      await loading;
      await audio.play();
    } catch {
      loading = null;
      element.dataset.state = 'error';
    }
  }

  for (const type of ['play', 'pause', 'ended', 'timeupdate', 'loadedmetadata']) audio.addEventListener(type, show);
  return { element, dispose: () => { audio.pause(); audio.removeAttribute('src'); } };
}

function fileView(media, cache) {
  const status = h('span', { className: 'file-status', role: 'status' });
  async function download() {
    status.textContent = '';
    try {
      await cache.download(mediaPath(media.id), media.name || 'file');
    } catch (error) {
      status.textContent = errorText(error, 'media');
    }
  }
  return h('div', { className: 'file-card', 'data-media-id': media.id },
    h('span', { className: 'file-icon', 'aria-hidden': 'true' }, '📄'),
    h('span', { className: 'file-text' },
      h('span', { className: 'file-name' }, media.name || t('file')),
      h('span', { className: 'file-size' }, formatBytes(media.size)), status),
    h('button', { type: 'button', className: 'icon-button file-download', 'aria-label': t('download', { name: media.name || t('file') }), title: t('download', { name: media.name || t('file') }), onClick: download }, '⬇'));
}

export function createMediaViews({ cache, onOpenImage }) {
  const players = new Map(); // media id -> voice or video view, kept across renders

  return {
    render(media) {
      if (media.kind === 'image') return imageView(media, cache, onOpenImage);
      if (media.kind === 'voice' || media.kind === 'video') {
        if (!players.has(media.id)) {
          players.set(media.id, media.kind === 'voice' ? voiceView(media, cache) : videoView(media, cache, fitted(media)));
        }
        return players.get(media.id).element;
      }
      return fileView(media, cache);
    },
    dispose() {
      for (const player of players.values()) player.dispose();
      players.clear();
    },
  };
}
