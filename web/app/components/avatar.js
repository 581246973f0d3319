// avatar: a round badge with a name's initials, its colour derived from a stable key (user or
// conversation id), hidden from screen readers (the name is always next to it). With a picture
// ({cache, id}: a profile's avatar media id), the thumbnail replaces the initials once fetched.
import { h } from '../dom.js';
import { initials } from '../format.js';
import { mediaPath } from '../media_cache.js';

export function avatarHue(key) {
  return (Number(key) * 67) % 360;
}

// Profiles made before avatars were media may hold a URL: only media ids are pictures here.
export function isMediaId(value) {
  return /^m_[\w-]+$/.test(value ?? '');
}

export function avatar(name, key, extraClass = '', picture = null) {
  const element = h('span', { className: `avatar ${extraClass}`.trim(), 'aria-hidden': 'true', style: { '--hue': avatarHue(key) } }, initials(name));
  if (picture && isMediaId(picture.id)) {
    const path = mediaPath(picture.id, true);
    const show = (url) => {
      element.replaceChildren(h('img', { src: url, alt: '' }));
      element.classList.add('picture');
    };
    const ready = picture.cache.ready(path);
    if (ready) show(ready);
    else picture.cache.load(path).then(show).catch(() => {});
  }
  return element;
}
