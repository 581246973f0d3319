// avatar: a round badge with a name's initials, its colour derived from a stable key (user or
// conversation id), hidden from screen readers (the name is always next to it).
import { h } from '../dom.js';
import { initials } from '../format.js';

export function avatarHue(key) {
  return (Number(key) * 67) % 360;
}

export function avatar(name, key, extraClass = '') {
  return h('span', { className: `avatar ${extraClass}`.trim(), 'aria-hidden': 'true', style: `--hue:${avatarHue(key)}` }, initials(name));
}
