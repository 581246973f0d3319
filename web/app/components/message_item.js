// message_item: the DOM for one entry of a chat: a day separator, a centred event line, or a
// bubble (mine on the right, others' with the sender's name in groups) with its time and, for mine, the delivery state:
// 'sending' (in the outbox) -> 'sent' (acked) -> 'delivered' -> 'read' (every other member's
// cursor reached its seq), or 'failed' with a discard button.
import { h } from '../dom.js';
import { formatDay, formatTime } from '../format.js';
import { t } from '../i18n.js';
import { avatarHue } from './avatar.js';
import { eventText } from './event_text.js';

const TICKS = { sending: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };

export function deliveryState(message, conversation) {
  const others = conversation?.members ?? [];
  if (others.length === 0) return 'sent';
  if (others.every((m) => (m.read_seq ?? 0) >= message.seq)) return 'read';
  if (others.every((m) => (m.delivered_seq ?? 0) >= message.seq)) return 'delivered';
  return 'sent';
}

export function daySeparator(ms) {
  return h('li', { className: 'day-separator', role: 'separator' }, h('span', {}, formatDay(ms)));
}

export function eventLine(message, users) {
  return h('li', { className: 'event-line', 'data-seq': message.seq, 'data-event': message.event?.type ?? false }, eventText(message, users));
}

// state: a delivery state for mine, null for others'. senderName: on others' bubbles, visible
// when showSender (groups), else for screen readers only.
export function bubble({ message, mine, state, senderName, showSender, onDiscard, failedCode }) {
  const label = state ? (state === 'failed' ? t('status_failed', { code: failedCode }) : t(`status_${state}`)) : '';
  return h('li', {
    className: `message ${mine ? 'mine' : 'theirs'} ${message.kind === 'notice' ? 'notice' : ''}`.trim(),
    'data-seq': message.seq ?? false, 'data-client-id': message.id ?? false,
  },
  h('div', { className: 'bubble' },
    !mine && senderName && (showSender
      ? h('span', { className: 'sender-name', style: `--hue:${avatarHue(message.sender_id)}` }, senderName)
      : h('span', { className: 'visually-hidden' }, `${senderName}: `)),
    h('p', { className: 'text' }, message.text ?? ''),
    h('span', { className: 'meta' },
      h('time', { datetime: new Date(message.created_at).toISOString() }, formatTime(message.created_at)),
      state && h('span', { className: `tick ${state}`, 'data-state': state, 'aria-label': label, title: label, role: 'img' }, TICKS[state]),
      state === 'failed' && h('button', { type: 'button', className: 'link', onClick: onDiscard }, t('discard')))));
}
