// message_pane: the scrolling part of a chat: the history note ("This is the beginning" or
// "Loading…"), the messages (message_list.js: updated in place, never rebuilt), the uploads
// list, and the "Jump to latest" button under it.
//
// Contract
// - render() brings the list in step with chat_state and the outbox. Messages show once the
//   first page of history is loaded (a live message replayed before that waits for it), so
//   the "Unread messages" line is placed from the read cursor as it was when the chat opened,
//   before any message could be seen and marked read.
// - New messages keep the view at the bottom only when it already was there (or on the first
//   render); otherwise "Jump to latest" shows. A page that comes in above keeps the view on the
//   same message. Scrolling near the top loads the page before (sync.loadPage).
// - Messages from others and event lines that are unread and at least half visible while the
//   page is visible are marked read (sync.markRead), also when the page becomes visible again
//   or the connection comes back (markVisibleRead()).
// - `focusSeq` (a search result): pages load back until that message is there; it is then
//   scrolled to the middle and highlighted. scrollToMessage(seq) does that for a loaded one.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { createMessageList } from '../../components/message_list.js';
import { firstUnreadSeq, rowsFor } from '../../components/message_rows.js';

const NEAR_TOP_PX = 300;
const AT_BOTTOM_PX = 40;

// sendContext(): the errors.js context a refused message's reason is read in.
export function createMessagePane({ conversation, conversationId, recipientId, outbox, sync, users, myId, rich, sendContext, uploadList, focusSeq: focusAt }) {
  let focusSeq = focusAt ?? null;
  let firstRender = true;
  let usersVersion = 0;
  // The first message that was unread when the chat opened (0: none); the "Unread messages"
  // line stays before it while the chat is open. null until the history is loaded.
  let unreadFromSeq = null;
  let visibleUnreadSeq = 0;
  const topNote = h('p', { className: 'history-note' });
  const scroller = h('div', { className: 'messages', tabindex: '0', 'aria-label': t('message_label') });
  const jump = h('button', { type: 'button', className: 'jump-latest', hidden: true, onClick: scrollToBottom }, `↓ ${t('jump_latest')}`);
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) visibleUnreadSeq = Math.max(visibleUnreadSeq, Number(entry.target.dataset.seq));
    }
    markVisibleRead();
  }, { root: scroller, threshold: 0.5 });
  const list = createMessageList({ watchUnread: observer });
  scroller.append(topNote, list.element, uploadList);

  function markVisibleRead() {
    if (conversationId && visibleUnreadSeq && document.visibilityState === 'visible') sync.markRead(conversationId, visibleUnreadSeq);
  }

  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    jump.hidden = true;
  }

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < AT_BOTTOM_PX;
  }

  // Scrolls a loaded message into the middle of the view and highlights it; false when not loaded.
  function scrollToMessage(seq) {
    const node = list.node(seq);
    if (!node) return false;
    node.scrollIntoView({ block: 'center' });
    node.classList.remove('flash');
    void node.offsetWidth; // restarts the animation
    node.classList.add('flash');
    return true;
  }

  function maybeLoadMore() {
    const c = conversation();
    if (!c || (c.historyLoaded && !c.hasMoreBefore) || sync.status() !== 'online') return;
    const seeking = focusSeq && c.oldestSeq > focusSeq;
    if (!c.historyLoaded || seeking || scroller.scrollTop < NEAR_TOP_PX) sync.loadPage(conversationId).catch(() => {});
  }

  function render() {
    const c = conversation();
    const wasAtBottom = (firstRender || atBottom()) && !focusSeq;
    const previousHeight = scroller.scrollHeight;
    const previousTop = scroller.scrollTop;
    if (c?.historyLoaded && unreadFromSeq === null) unreadFromSeq = firstUnreadSeq(c, myId);
    list.update(rowsFor({
      conversation: c && c.historyLoaded ? c : null,
      pending: conversationId ? outbox.forConversation(conversationId) : outbox.forRecipient(recipientId),
      myId, unreadFromSeq, users, usersVersion, rich, sendContext: sendContext(),
      onDiscard: (id) => sync.discard(id), onRetry: (id) => sync.retry(id),
    }));
    topNote.textContent = c?.pruned ? t('retention_pruned')
      : !c || (c.historyLoaded && !c.hasMoreBefore) ? t('beginning') : t('loading');
    if (wasAtBottom) scrollToBottom();
    else if (scroller.scrollHeight !== previousHeight && previousTop < NEAR_TOP_PX) {
      scroller.scrollTop = previousTop + (scroller.scrollHeight - previousHeight); // a page came in above
    }
    if (focusSeq && c?.historyLoaded && (scrollToMessage(focusSeq) || !c.hasMoreBefore)) focusSeq = null;
    jump.hidden = atBottom();
    firstRender = false;
    maybeLoadMore();
  }

  // An upload's bubble changed: stay at the bottom when there.
  function keepBottom(change) {
    const stick = atBottom();
    change();
    if (stick) scrollToBottom();
  }

  scroller.addEventListener('scroll', () => {
    jump.hidden = atBottom();
    maybeLoadMore();
  });

  return {
    element: scroller,
    jump,
    render,
    // A name was learnt: every row that shows names is built again.
    renderNames() {
      usersVersion += 1;
      render();
    },
    keepBottom,
    scrollToBottom,
    scrollToMessage,
    markVisibleRead,
    maybeLoadMore,
    dispose: () => observer.disconnect(),
  };
}
