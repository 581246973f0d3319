// message_rows: what a chat's message list shows, as rows in order. Pure: no DOM is made until
// a row's build() is called (message_list.js calls it only for a row that is new or changed).
//
// Contract
// - rowsFor() lists: a day separator before the first entry of each day (in the person's
//   zone), the "Unread messages" line before unreadFromSeq, event lines, bubbles (one sender's
//   messages within GROUP_WITHIN_MS form a group: the name once; a day separator, the unread
//   line or an event starts a new group), "read by N" under my last message in a group, then
//   the outbox entries (sending or failed) of this chat.
// - Each row has a `key`, stable while it stays in the list (m<seq>, o<client id>, d<day>,
//   unread, read-by), and a `sig`, the values its DOM is made from: a row whose sig equals
//   (element by element, ===) the one its node was built from keeps that node. Message objects
//   are replaced, never changed, by chat_state, so the message itself is part of the sig;
//   `usersVersion` (bumped when a name is learnt) rebuilds every row that shows names.
// - A row of someone else's message or event has `unread` (its seq is after my read cursor),
//   which message_list.js sets on its node without building it again.
import { errorText } from '../errors.js';
import { dayKey, formatDay, timeZone } from '../format.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { bubble, daySeparator, deliveryState, eventLine } from './message_item.js';

export const GROUP_WITHIN_MS = 5 * 60 * 1000; // one sender's messages this close together form a group

// The day of each message, kept per message object and time zone: a long chat asks for
// thousands of them on every change, and the same message keeps its day.
let days = { zone: null, of: new WeakMap() };
function dayOf(entry) {
  if (days.zone !== timeZone()) days = { zone: timeZone(), of: new WeakMap() };
  let key = days.of.get(entry);
  if (key === undefined) {
    key = dayKey(entry.created_at);
    days.of.set(entry, key);
  }
  return key;
}

// The first message that was unread (0: none), for the "Unread messages" line.
export function firstUnreadSeq(conversation, myId) {
  const readSeq = conversation.self.read_seq ?? 0;
  let first = 0;
  for (const message of conversation.messages.values()) {
    if (message.seq > readSeq && message.sender_id !== myId && message.kind !== 'event' && (!first || message.seq < first)) first = message.seq;
  }
  return first;
}

// conversation: chat_state's (null for a chat not created yet); pending: its outbox entries;
// rich: message_item's rich options; onDiscard/onRetry(clientId) for a failed entry, whose
// reason reads as errors.js says it in sendContext (most specific first).
export function rowsFor({ conversation: c, pending, myId, unreadFromSeq, users, usersVersion, rich, sendContext, onDiscard, onRetry }) {
  const messages = c ? [...c.messages.values()].sort((a, b) => a.seq - b.seq) : [];
  const readSeq = c?.self.read_seq ?? 0;
  const isGroup = c?.kind === 'group';
  const rows = [];
  let lastDay = null;
  let previous = null; // the message shown just before, for grouping
  const pushDay = (entry) => {
    const key = dayOf(entry);
    if (key !== lastDay) {
      const ms = entry.created_at;
      const text = formatDay(ms);
      rows.push({ key: `d${key}`, sig: [text], build: () => daySeparator(ms) });
      previous = null;
    }
    lastDay = key;
  };
  for (const message of messages) {
    pushDay(message);
    if (message.seq === unreadFromSeq) {
      rows.push({ key: 'unread', sig: [], build: () => h('li', { className: 'unread-divider' }, h('span', {}, t('unread_messages'))) });
      previous = null;
    }
    if (message.kind === 'event') {
      rows.push({ key: `m${message.seq}`, sig: [message, usersVersion], unread: message.seq > readSeq, build: () => eventLine(message, users) });
      previous = null;
      continue;
    }
    const mine = message.sender_id === myId && message.kind !== 'notice';
    const continued = previous !== null && previous.sender_id === message.sender_id && previous.kind !== 'notice'
      && message.created_at - previous.created_at < GROUP_WITHIN_MS;
    previous = message;
    const state = mine ? (isGroup ? 'sent' : deliveryState(message, c)) : null;
    const showSender = isGroup && !continued;
    rows.push({
      key: `m${message.seq}`,
      sig: [message, state, showSender, continued, usersVersion],
      ...(mine ? {} : { unread: message.seq > readSeq }),
      build: () => bubble({ message, mine, state, senderName: users.name(message.sender_id), showSender, continued, rich }),
    });
  }
  const last = messages[messages.length - 1];
  if (isGroup && last?.sender_id === myId && last.kind === 'text' && last.seq === c.last_seq && c.read_by > 0) {
    const count = c.read_by;
    rows.push({ key: 'read-by', sig: [count], build: () => h('li', { className: 'read-by' }, t('read_by', { count })) });
  }
  for (const entry of pending) {
    pushDay(entry);
    const failedReason = entry.failed && errorText({ code: entry.failed }, sendContext);
    rows.push({
      key: `o${entry.id}`,
      sig: [entry, entry.failed ?? null, failedReason],
      build: () => bubble({
        message: entry, mine: true, state: entry.failed ? 'failed' : 'sending', failedReason,
        onDiscard: () => onDiscard(entry.id), onRetry: () => onRetry(entry.id), rich,
      }),
    });
  }
  return rows;
}
