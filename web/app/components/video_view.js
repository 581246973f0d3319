// video_view: a video message in a bubble (media_view.js renders it).
// videoView(media, cache, {width, height}) returns {element, dispose()}:
// - element shows the poster at the video's aspect ratio (width x height: fitted by the
//   caller): the inline preview blurred at once, then the poster (the media's thumbnail,
//   fetched with the token through the cache) sharp; over it a play button with the duration
//   (duration_ms from the server).
// - The play button fetches the video once (cache) and puts a <video controls> in the poster's
//   place, playing (if the browser refuses to start it, its controls stay). A failed fetch says
//   why under the poster and the button works again. data-state: poster, loading, playing,
//   error.
// - dispose() stops the player.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatDuration } from '../format.js';
import { t } from '../i18n.js';
import { mediaPath } from '../media_cache.js';

function posterImage(media, cache, width, height) {
  const path = mediaPath(media.id, true);
  const ready = cache.ready(path);
  const img = h('img', { alt: '', width, height, src: ready ?? media.preview ?? false, className: ready ? 'thumb' : 'thumb blur' });
  if (ready) img.dataset.loaded = 'true';
  else {
    cache.load(path).then((url) => {
      img.src = url;
      img.classList.remove('blur');
      img.dataset.loaded = 'true';
    }).catch(() => img.classList.add('broken'));
  }
  return img;
}

export function videoView(media, cache, { width, height }) {
  const duration = formatDuration(media.duration_ms);
  const poster = posterImage(media, cache, width, height);
  const play = h('button', { type: 'button', className: 'video-play', 'aria-label': t('play_video', { duration }), onClick: start },
    h('span', { className: 'video-play-icon', 'aria-hidden': 'true' }, '▶'),
    h('span', { className: 'video-duration', 'aria-hidden': 'true' }, duration));
  const frame = h('div', { className: 'video-frame', style: { width: `${width}px`, 'aspect-ratio': `${width}/${height}` } }, poster, play);
  const status = h('span', { className: 'video-status', role: 'status' });
  const element = h('div', { className: 'media-video', 'data-media-id': media.id, 'data-state': 'poster' }, frame, status);
  let video = null;

  async function start() {
    element.dataset.state = 'loading';
    play.disabled = true;
    status.textContent = '';
    try {
      const url = await cache.load(mediaPath(media.id));
      video = h('video', { controls: true, playsinline: true, preload: 'auto', src: url, width, height, 'aria-label': t('video_message') });
      if (poster.dataset.loaded) video.poster = poster.src;
      frame.replaceChildren(video);
      element.dataset.state = 'playing';
      await video.play().catch(() => {}); // autoplay refused: the controls start it
    } catch (error) {
      element.dataset.state = 'error';
      play.disabled = false;
      status.textContent = errorText(error, 'media');
    }
  }

  return { element, dispose: () => { video?.pause(); video?.removeAttribute('src'); } };
}
