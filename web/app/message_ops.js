// message_ops: how the operations of issue 5 change the messages they target. Pure data, no I/O.
//
// Contract (docs/protocol.md "Message operations")
// - An operation is a message of kind `edit`, `delete` or `reaction` with a `target` seq; it
//   takes a seq of its own in the stream and is never shown itself (isOp).
// - applyOp(target, op) returns the target as the op leaves it (a new object, or the same one
//   when nothing changes). Every op is idempotent, and applying the ops of a message in seq
//   order over any snapshot of it that already includes some of them gives the server's
//   state: a delete is final (a tombstone keeps only its identity and time), an edit replaces
//   the text unless the snapshot carries a later edit (edited_at), a reaction adds or removes
//   one user from one emoji.
// - quoteOf(message) is the `reply_to` the server sends for a message as it is now (the first
//   200 characters of its text); a quote of a deleted message keeps no text.
export const OP_KINDS = new Set(['edit', 'delete', 'reaction']);
export const QUOTE_CHARS = 200;

export function isOp(message) {
  return OP_KINDS.has(message?.kind);
}

export function tombstone(message) {
  const { conversation_id, seq, sender_id, id, kind, created_at } = message;
  return { conversation_id, seq, sender_id, id, kind, created_at, text: '', deleted: true };
}

// reactions: [{emoji, count, users}] in first-reacted order; an emoji nobody keeps disappears.
export function applyReaction(reactions = [], userId, emoji, on) {
  const index = reactions.findIndex((r) => r.emoji === emoji);
  const current = index >= 0 ? reactions[index] : { emoji, count: 0, users: [] };
  const has = current.users.includes(userId);
  if (has === Boolean(on)) return reactions;
  const next = on
    ? { emoji, count: current.count + 1, users: [...current.users, userId] }
    : { emoji, count: current.count - 1, users: current.users.filter((u) => u !== userId) };
  if (next.count <= 0) return reactions.filter((_, i) => i !== index);
  return index >= 0 ? reactions.map((r, i) => (i === index ? next : r)) : [...reactions, next];
}

export function hasReacted(message, userId, emoji) {
  return (message.reactions ?? []).some((r) => r.emoji === emoji && r.users.includes(userId));
}

export function applyOp(target, op) {
  if (!target || target.deleted) return target;
  switch (op.kind) {
    case 'delete':
      return tombstone(target);
    case 'edit':
      if ((op.edited_at ?? 0) < (target.edited_at ?? 0)) return target;
      if (target.text === op.text && target.edited_at === op.edited_at) return target;
      return { ...target, text: op.text ?? '', edited_at: op.edited_at };
    case 'reaction': {
      const reactions = applyReaction(target.reactions, op.sender_id, op.emoji, op.on);
      if (reactions === target.reactions) return target;
      const next = { ...target, reactions };
      if (reactions.length === 0) delete next.reactions;
      return next;
    }
    default:
      return target;
  }
}

// Applies ops (any order, any targets) to `message`: only its own, in seq order.
export function replayOps(message, ops) {
  return ops.filter((op) => op.target === message.seq).sort((a, b) => a.seq - b.seq).reduce(applyOp, message);
}

export function quoteOf(message) {
  const quote = { seq: message.seq, sender_id: message.sender_id, kind: message.kind };
  if (message.deleted) return { ...quote, text: '', deleted: true };
  quote.text = Array.from(message.text ?? '').slice(0, QUOTE_CHARS).join('');
  if (message.media) quote.media_kind = message.media.kind;
  quote.deleted = false;
  return quote;
}
