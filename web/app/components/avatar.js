// avatar: a round badge with a name's initials, its colour derived from a stable key (user or
// conversation id), hidden from screen readers (the name is always next to it).
import { h } from '../dom.js';
import { initials } from '../format.js';

export function avatar(name, key, extraClass = '') {
  const hue = (Number(key) * 67) % 360;
  return h('span', { className: `avatar ${extraClass}`.trim(), 'aria-hidden': 'true', style: `--hue:${hue}` }, initials(name));
}
