// message_item: the DOM for one entry of a chat: a day separator, a centred event line, or a
// bubble (mine on the right, others' with the sender's name in groups) with its time and, for
// mine, the delivery state: 'sending' (in the outbox) -> 'sent' (acked) -> 'delivered' ->
// 'read' (every other member's cursor reached its seq), or 'failed' with a discard button.
// A bubble also shows (issue 5): the quote it replies to (a button: onQuote(seq) scrolls to
// it), its media (media_view.js), web links in its text (linkedText), "edited", a tombstone's
// "This message was deleted" instead of everything else, reaction chips (emoji and count,
// pressed when mine, the names in the title; a click is onReact(message, emoji)) and an
// actions button (onActions(message, button)) on messages that are stored and not deleted.
import { h } from '../dom.js';
import { formatDay, formatTime } from '../format.js';
import { t } from '../i18n.js';
import { linkParts } from '../links.js';
import { avatarHue } from './avatar.js';
import { eventText } from './event_text.js';
import { stickerImage } from './sticker_view.js';

const TICKS = { sending: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };

export function deliveryState(message, conversation) {
  const others = conversation?.members ?? [];
  if (others.length === 0) return 'sent';
  if (others.every((m) => (m.read_seq ?? 0) >= message.seq)) return 'read';
  if (others.every((m) => (m.delivered_seq ?? 0) >= message.seq)) return 'delivered';
  return 'sent';
}

export function daySeparator(ms) {
  return h('li', { className: 'day-separator' }, h('span', {}, formatDay(ms)));
}

export function eventLine(message, users) {
  return h('li', { className: 'event-line', 'data-seq': message.seq, 'data-event': message.event?.type ?? false }, eventText(message, users));
}

// Message text with its web links (links.js) as anchors that open in a new tab without
// telling the site where the person came from; every text stays a text node.
export function linkedText(text) {
  return linkParts(text).map((part) => (part.href
    ? h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer' }, part.text)
    : part.text));
}

// state: a delivery state for mine, null for others'. senderName: on others' bubbles, visible
// when showSender (groups), else for screen readers only.
// The one-line text of a quote or a list preview: the text, else what the media is.
export function mediaLabel(kind) {
  return kind ? t(`media_${kind}`) : '';
}

function quote(reply, { users, onQuote }) {
  const body = reply.deleted ? t('message_deleted') : (reply.text || mediaLabel(reply.media_kind));
  return h('button', {
    type: 'button', className: `quote ${reply.deleted ? 'deleted' : ''}`.trim(), 'data-quote-seq': reply.seq,
    onClick: () => onQuote?.(reply.seq),
  },
  h('span', { className: 'quote-name', style: { '--hue': avatarHue(reply.sender_id) } }, users.name(reply.sender_id)),
  h('span', { className: 'quote-text' }, body));
}

function reactionChips(message, { users, myId, onReact }) {
  return h('div', { className: 'reactions' }, (message.reactions ?? []).map((r) => {
    const names = r.users.map((id) => users.name(id)).join(', ');
    const title = t('reacted_by', { names, emoji: r.emoji });
    return h('button', {
      type: 'button', className: 'reaction', 'aria-pressed': String(r.users.includes(myId)), title,
      'aria-label': `${r.emoji} ${r.count}: ${title}`, 'data-emoji': r.emoji, onClick: () => onReact(message, r.emoji),
    }, h('span', { className: 'reaction-emoji' }, r.emoji), h('span', { className: 'reaction-count' }, String(r.count)));
  }));
}

// rich: {users, myId, media (media_view), onQuote, onReact, onActions}; omitted for plain lines.
// A failed message of mine shows why (failedReason, a sentence) with Retry and Discard.
// `continued`: the same sender's message just before, so the bubble joins it (no name again).
// A right-click on a bubble with actions opens its menu, as the ⋯ button does.
export function bubble({ message, mine, state, senderName, showSender, continued = false, onDiscard, onRetry, failedReason, rich }) {
  const label = state ? (state === 'failed' ? t('status_failed', { reason: failedReason }) : t(`status_${state}`)) : '';
  const deleted = message.deleted === true;
  const stored = message.seq !== undefined && state !== 'sending' && state !== 'failed';
  const actions = rich && stored && !deleted && message.kind !== 'notice';
  const actionsButton = actions && h('button', {
    type: 'button', className: 'icon-button message-actions', 'aria-label': t('message_actions'), title: t('message_actions'),
    'aria-haspopup': 'menu', 'aria-expanded': 'false', onClick: (event) => rich.onActions(message, event.currentTarget),
  }, '⋯');
  return h('li', {
    className: `message ${mine ? 'mine' : 'theirs'} ${message.kind === 'notice' ? 'notice' : ''} ${message.kind === 'sticker' && !deleted ? 'sticker' : ''} ${deleted ? 'deleted' : ''} ${continued ? 'continued' : ''}`.replace(/\s+/g, ' ').trim(),
    'data-seq': message.seq ?? false, 'data-client-id': message.id ?? false,
    onContextmenu: actions && ((event) => {
      if (event.target.closest('a')) return; // a link keeps the browser's own menu
      event.preventDefault();
      rich.onActions(message, actionsButton);
    }),
  },
  h('div', { className: 'bubble' },
    !mine && senderName && (showSender
      ? h('span', { className: 'sender-name', style: { '--hue': avatarHue(message.sender_id) } }, senderName)
      : h('span', { className: 'visually-hidden' }, `${senderName}: `)),
    !deleted && rich && message.reply_to && quote(message.reply_to, rich),
    !deleted && message.kind === 'sticker' && rich && h('div', { className: 'sticker-body' }, stickerImage({ id: message.sticker, media: message.media, keywords: message.text }, rich.cache)),
    !deleted && message.kind !== 'sticker' && rich && message.media && h('div', { className: 'media' }, rich.media.render(message.media, message)),
    deleted
      ? h('p', { className: 'text tombstone' }, t('message_deleted'))
      : message.kind === 'sticker' && rich ? null
      : (message.text || !message.media) && h('p', { className: 'text' }, linkedText(message.text ?? '')),
    h('span', { className: 'meta' },
      message.edited_at && !deleted && h('span', { className: 'edited' }, t('edited')),
      h('time', { datetime: new Date(message.created_at).toISOString() }, formatTime(message.created_at)),
      state && h('span', { className: `tick ${state}`, 'data-state': state, 'aria-label': label, title: label, role: 'img' }, TICKS[state])),
    state === 'failed' && h('div', { className: 'failed-note' },
      h('span', { className: 'failed-reason' }, label),
      h('button', { type: 'button', className: 'link retry', onClick: onRetry }, t('retry')),
      h('button', { type: 'button', className: 'link discard', onClick: onDiscard }, t('discard')))),
  actionsButton,
  !deleted && rich && message.reactions?.length > 0 && reactionChips(message, rich));
}
