// presence_dot: a small dot for a friend's presence (online / away / offline, or unknown while
// this device is disconnected: a hollow ring), with its state and last-seen time as the
// accessible label. Absent presence (not a friend) gives null.
import { h } from '../dom.js';
import { formatDate } from '../format.js';
import { t } from '../i18n.js';

export function presenceLabel(presence) {
  if (presence.status !== 'offline') return t(`presence_${presence.status}`);
  return presence.last_seen_at ? t('last_seen', { date: formatDate(presence.last_seen_at) }) : t('presence_offline');
}

export function presenceDot(presence) {
  if (!presence) return null;
  const label = presenceLabel(presence);
  return h('span', { className: 'presence-dot', 'data-status': presence.status, role: 'img', 'aria-label': label, title: label });
}
