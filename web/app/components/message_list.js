// message_list: the <ol> of a chat's messages, kept in step with rows (message_rows.js)
// without rebuilding it: update(rows) builds a node only for a row that is new or whose
// signature changed, moves nodes only where the order differs, and removes the nodes of rows
// that are gone, so a new message appends one bubble, a page of history prepends its own, and
// every other node (with its scroll position, images, focus and open menus) stays as it is.
//
// A row's `unread` (true/false) is kept on its node as data-unread; `watchUnread` (an
// IntersectionObserver) observes exactly the nodes that are unread and in the list.
import { h } from '../dom.js';

const sameSig = (a, b) => a.length === b.length && a.every((value, i) => value === b[i]);

export function createMessageList({ watchUnread }) {
  const element = h('ol', { className: 'message-list' });
  let shown = new Map(); // key -> {sig, node, unread}

  function setUnread(entry, unread) {
    if (entry.unread === unread) return;
    entry.unread = unread;
    entry.node.dataset.unread = String(unread);
    if (unread) watchUnread.observe(entry.node);
    else watchUnread.unobserve(entry.node);
  }

  function update(rows) {
    const next = new Map();
    let cursor = element.firstChild;
    for (const row of rows) {
      let key = row.key;
      for (let n = 2; next.has(key); n += 1) key = `${row.key}#${n}`; // never two nodes for one key
      let entry = shown.get(key);
      if (!entry || !sameSig(entry.sig, row.sig)) entry = { sig: row.sig, node: row.build() };
      next.set(key, entry);
      if (entry.node === cursor) cursor = cursor.nextSibling;
      else element.insertBefore(entry.node, cursor);
      if (row.unread !== undefined) setUnread(entry, row.unread);
    }
    for (const [key, entry] of shown) {
      if (next.get(key) === entry) continue;
      watchUnread.unobserve(entry.node);
      entry.node.remove();
    }
    shown = next;
  }

  return { element, update, node: (seq) => shown.get(`m${seq}`)?.node ?? null };
}
