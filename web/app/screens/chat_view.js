// chat_view: one conversation (conversationId) or a not-yet-created direct chat (recipientId).
//
// Contract
// - Shows the loaded messages in seq order, then this conversation's outbox entries; day
//   separators in the person's time zone; events as centred lines; bubbles with ticks.
// - Opening loads the newest page; scrolling near the top loads the page before (the scroll
//   position stays on the same message). New messages keep the view at the bottom only when it
//   already was there; otherwise a "jump to latest" button appears.
// - Messages from others and event lines that are visible while the page is visible are
//   marked read. An "Unread messages" line stays before the first message that was unread
//   when the chat opened. One sender's messages within 5 minutes form a group (the name once).
// - Up in an empty composer edits my last text message; a right-click on a bubble opens its
//   actions menu.
// - System conversations are read-only: no composer.
// - Groups: sender names on bubbles, event lines, "read by N" under my last message, and an
//   info button that opens the group panel (loaded on first use) next to the chat (a full-screen sheet on a phone;
//   refreshed on new events). The open panel is a history overlay (router.js): the browser's
//   Back, the panel's back arrow and the info button close it alike.
// - Typing in the composer sends `typing` (throttled in sync); "X is typing…" shows under the
//   messages while typing_state lists someone; direct chats show the other's presence dot and,
//   while the other is not a friend, a line saying so with the action that moves it on
//   (friendship_note.js), also in a draft chat.
// - A draft chat becomes its conversation as soon as the first message is acknowledged.
// - What is typed and not sent is kept per conversation (drafts.js) and is back in the field
//   when the chat opens again, also after a reload.
// - The server's limits (its welcome) are checked before sending: a text over max_text_bytes
//   stays in the composer, a file over max_upload_bytes is refused, each said in words with the
//   limit. A message the server refuses shows why, in words, with Retry and Discard.
// - Rich messages (issue 5): images (a click opens the lightbox, loaded on first use), voice
//   clips, file cards, quotes (a click scrolls to the quoted message when it is loaded), reaction
//   chips, "edited" and tombstones; each stored message has an actions menu (react, reply, edit
//   and delete as allowed; the menu loads on first use). Files dropped on the chat, pasted, attached or recorded upload with
//   a progress bar and a cancel button each, then go out as messages. `focusSeq` (a search
//   result) loads pages back until that message is there, then scrolls to it and highlights it.
//   A refused operation or upload shows its reason above the composer.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { dayKey, formatBytes } from '../format.js';
import { t } from '../i18n.js';
import { draftKey } from '../drafts.js';
import { hasReacted } from '../message_ops.js';
import { avatar } from '../components/avatar.js';
import { createComposer } from '../components/composer.js';
import { conversationTitle, otherMemberId } from '../components/conversation_title.js';
import { createFriendshipNote } from '../components/friendship_note.js';
import { createMediaViews } from '../components/media_view.js';
import { presenceDot } from '../components/presence_dot.js';
import { bubble, daySeparator, deliveryState, eventLine } from '../components/message_item.js';

const NEAR_TOP_PX = 300;
const AT_BOTTOM_PX = 40;

const ADMIN_ROLES = new Set(['owner', 'admin']);
const GROUP_WITHIN_MS = 5 * 60 * 1000; // one sender's messages this close together form a group

export function mountChatView(container, { api, state, social, typing, outbox, drafts, sync, users, session, media, uploads, conversationId, recipientId, focusSeq: focusAt, navigate, openOverlay, closeOverlay }) {
  const myId = session.user.id;
  const conversation = () => (conversationId ? state.get(conversationId) : null);
  const target = conversationId ? { conversationId } : { to: recipientId };
  let focusSeq = focusAt ?? null;
  const list = h('ol', { className: 'message-list' });
  const uploadList = h('ol', { className: 'message-list upload-list', 'aria-label': t('uploads') });
  const topNote = h('p', { className: 'history-note' });
  const scroller = h('div', { className: 'messages', tabindex: '0', 'aria-label': t('message_label') }, topNote, list, uploadList);
  const alertLine = h('p', { className: 'chat-alert', role: 'alert' });
  const dropHint = h('div', { className: 'drop-hint', hidden: true, 'aria-hidden': 'true' }, t('drop_files'));
  const mediaViews = createMediaViews({ cache: media, onOpenImage: openImage });
  const rich = {
    users, myId, media: mediaViews, onQuote: (seq) => scrollToMessage(seq), onReact: toggleReaction, onActions: openActions,
  };
  const jump = h('button', { type: 'button', className: 'jump-latest', hidden: true, onClick: scrollToBottom }, `↓ ${t('jump_latest')}`);
  const title = h('h2', { className: 'chat-title' });
  const avatarSlot = h('span', { className: 'avatar-wrap' });
  const composer = createComposer({
    onSend, users, onInput: () => { if (conversationId) sync.sendTyping(conversationId); },
    maxTextBytes: () => sync.limits().max_text_bytes ?? 0,
    onDraft: (text) => drafts.set(draftKey(target), text),
    onEditLast: editLast,
    onFiles: (files, replyTo) => addFiles(files, { replyTo }),
    onVoice: (file, replyTo) => addFiles([file], { kind: 'voice', replyTo }),
    onError: (text) => { alertLine.textContent = text; },
  });
  const friendship = createFriendshipNote({ api, social, sync, users, myId });
  const typingLine = h('p', { className: 'typing-line', 'aria-live': 'polite' });
  const readonlyNote = h('p', { className: 'readonly-note', hidden: true }, t('system_readonly'));
  let panel = null; // the group panel, loaded on its first opening
  // The first message that was unread when the chat opened (0: none); the "Unread messages"
  // line stays before it while the chat is open. null until the history is loaded.
  let unreadFromSeq = null;
  const infoButton = h('button', {
    type: 'button', className: 'icon-button group-info-button', 'aria-label': t('group_info'), title: t('group_info'),
    'aria-expanded': 'false', hidden: true, onClick: togglePanel,
  }, 'ℹ️');
  const searchButton = h('button', {
    type: 'button', className: 'icon-button chat-search', 'aria-label': t('search_in_conversation'), title: t('search_in_conversation'),
    hidden: !conversationId, onClick: () => navigate(`/search?in=${conversationId}`),
  }, '🔍');
  const section = h('section', { className: 'chat', 'aria-labelledby': 'chat-title' });
  let menu = null; // the message actions menu, loaded on first use

  async function togglePanel() {
    if (panel?.element.isConnected) {
      closeOverlay(closePanel);
      return;
    }
    if (!panel) {
      const { createGroupPanel } = await import('../components/group_panel.js');
      if (panel || !section.isConnected) return; // a second click came first, or the chat closed
      panel = createGroupPanel({
        api, social, users, session, groupId: conversationId, onLeft: () => navigate('/'), onClose: () => closeOverlay(closePanel),
      });
    }
    infoButton.setAttribute('aria-expanded', 'true');
    container.append(panel.element);
    panel.refresh();
    openOverlay(closePanel);
  }

  function closePanel() {
    infoButton.setAttribute('aria-expanded', 'false');
    panel.element.remove();
  }
  let visibleUnreadSeq = 0;
  let firstRender = true;

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) visibleUnreadSeq = Math.max(visibleUnreadSeq, Number(entry.target.dataset.seq));
    }
    markVisibleRead();
  }, { root: scroller, threshold: 0.5 });

  function markVisibleRead() {
    if (conversationId && visibleUnreadSeq && document.visibilityState === 'visible') sync.markRead(conversationId, visibleUnreadSeq);
  }

  // Files to send (picked, pasted, dropped, recorded): one over the server's limit is refused
  // here, in words with the limit, before any byte goes out.
  function addFiles(files, { kind, replyTo } = {}) {
    const limit = sync.limits().max_upload_bytes;
    const refused = [];
    for (const file of files) {
      if (limit && file.size > limit) refused.push(t('file_too_large', { name: file.name, size: formatBytes(file.size), limit: formatBytes(limit) }));
      else uploads.add({ file, kind, target, replyTo });
    }
    alertLine.textContent = refused.join(' ');
    scrollToBottom();
  }

  function onSend(text, mode) {
    alertLine.textContent = '';
    if (mode?.edit) {
      if (text !== mode.edit.text) sync.sendOp({ conversationId, op: 'edit', seq: mode.edit.seq, text });
      return;
    }
    sync.sendMessage({ ...target, text, replyTo: mode?.reply ?? null });
    scrollToBottom();
  }

  function toggleReaction(message, emoji) {
    alertLine.textContent = '';
    const now = state.message(conversationId, message.seq) ?? message; // as it is after any op since
    sync.sendOp({ conversationId, op: 'react', seq: message.seq, emoji, on: !hasReacted(now, myId, emoji) });
  }

  // Up in an empty composer edits my last text message, as in the big apps.
  function editLast() {
    const c = conversation();
    const last = c && [...c.messages.values()].filter((m) => m.sender_id === myId && m.kind === 'text' && !m.deleted)
      .sort((a, b) => b.seq - a.seq)[0];
    if (!last) return false;
    composer.edit(last);
    return true;
  }

  async function openActions(message, button) {
    if (!menu) {
      const { createMessageMenu } = await import('../components/message_menu.js');
      menu ??= createMessageMenu({ container: section });
      section.append(menu.element);
    }
    const c = conversation();
    const mine = message.sender_id === myId;
    menu.open(message, button, {
      canEdit: mine && message.kind === 'text',
      // The server also checks ranks (an admin may not delete the owner's): it answers forbidden.
      canDelete: mine || (c?.kind === 'group' && ADMIN_ROLES.has(c.role)),
      reacted: (emoji) => hasReacted(message, myId, emoji),
      onReact: (emoji) => toggleReaction(message, emoji),
      onReply: () => composer.reply(message),
      onEdit: () => composer.edit(message),
      onDelete: () => sync.sendOp({ conversationId, op: 'delete', seq: message.seq }),
    });
  }

  async function openImage(mediaObject) {
    const images = [...(conversation()?.messages.values() ?? [])]
      .filter((m) => m.media?.kind === 'image' && !m.deleted).sort((a, b) => a.seq - b.seq)
      .map((m) => ({ media: m.media, sender_id: m.sender_id, created_at: m.created_at }));
    if (!images.some((image) => image.media.id === mediaObject.id)) images.push({ media: mediaObject, sender_id: myId, created_at: Date.now() });
    const { openLightbox } = await import('../components/lightbox.js');
    openLightbox({ images, index: images.findIndex((image) => image.media.id === mediaObject.id), cache: media, users });
  }

  // Scrolls a loaded message into the middle of the view and highlights it; false when not loaded.
  function scrollToMessage(seq) {
    const node = list.querySelector(`li[data-seq="${seq}"]`);
    if (!node) return false;
    node.scrollIntoView({ block: 'center' });
    node.classList.remove('flash');
    void node.offsetWidth; // restarts the animation
    node.classList.add('flash');
    return true;
  }

  function uploadItem(item) {
    const { phase, error } = item.state;
    const percent = Math.round(item.progress() * 100);
    const failed = phase === 'failed';
    const name = item.file.name || t(`media_${item.kind}`);
    return h('li', { className: 'message mine upload', 'data-upload': item.key, 'data-phase': phase },
      h('div', { className: 'bubble upload-bubble' },
        h('span', { className: 'upload-name' }, name),
        failed
          ? h('span', { className: 'upload-error' }, t('upload_failed', { name, reason: errorText({ code: error }, 'media') }))
          : h('span', { className: 'upload-progress' },
            h('progress', { max: 100, value: percent, 'aria-label': t('uploading', { name, percent }) }),
            h('span', { className: 'upload-percent' }, phase === 'complete' ? t('processing') : `${percent}%`)),
        h('button', {
          type: 'button', className: 'link upload-cancel', onClick: () => (failed ? uploads.dismiss(item.key) : uploads.cancel(item.key)),
        }, failed ? t('dismiss') : t('cancel'))));
  }

  function renderUploads() {
    const stick = atBottom();
    uploadList.replaceChildren(...uploads.forTarget(target).map(uploadItem));
    if (stick) scrollToBottom();
  }

  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    jump.hidden = true;
  }

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < AT_BOTTOM_PX;
  }

  function items() {
    const c = conversation();
    const messages = c ? [...c.messages.values()].sort((a, b) => a.seq - b.seq) : [];
    const pending = conversationId ? outbox.forConversation(conversationId) : outbox.forRecipient(recipientId);
    const nodes = [];
    let lastDay = null;
    let previous = null; // the message shown just before, for grouping
    const pushDay = (ms) => {
      const key = dayKey(ms);
      if (key !== lastDay) {
        nodes.push(daySeparator(ms));
        previous = null;
      }
      lastDay = key;
    };
    if (c?.historyLoaded && unreadFromSeq === null) {
      unreadFromSeq = messages.find((m) => m.seq > (c.self.read_seq ?? 0) && m.sender_id !== myId && m.kind !== 'event')?.seq ?? 0;
    }
    for (const message of messages) {
      pushDay(message.created_at);
      if (message.seq === unreadFromSeq) {
        nodes.push(h('li', { className: 'unread-divider' }, h('span', {}, t('unread_messages'))));
        previous = null;
      }
      if (message.kind === 'event') {
        const line = eventLine(message, users);
        line.dataset.unread = String(message.seq > (c.self.read_seq ?? 0));
        nodes.push(line);
        previous = null;
        continue;
      }
      const mine = message.sender_id === myId && message.kind !== 'notice';
      const isGroup = c.kind === 'group';
      const continued = previous !== null && previous.sender_id === message.sender_id && previous.kind !== 'notice'
        && message.created_at - previous.created_at < GROUP_WITHIN_MS;
      previous = message;
      const node = bubble({ message, mine, state: mine ? (isGroup ? 'sent' : deliveryState(message, c)) : null, senderName: users.name(message.sender_id), showSender: isGroup && !continued, continued, rich });
      if (!mine) node.dataset.unread = String(message.seq > (c.self.read_seq ?? 0));
      nodes.push(node);
    }
    const last = messages[messages.length - 1];
    if (c?.kind === 'group' && last?.sender_id === myId && last.kind === 'text' && last.seq === c.last_seq && c.read_by > 0) {
      nodes.push(h('li', { className: 'read-by' }, t('read_by', { count: c.read_by })));
    }
    for (const entry of pending) {
      pushDay(entry.created_at);
      nodes.push(bubble({
        message: entry, mine: true, state: entry.failed ? 'failed' : 'sending',
        failedReason: entry.failed && errorText({ code: entry.failed }, c?.kind === 'group' ? ['group_send', 'send'] : 'send'),
        onDiscard: () => sync.discard(entry.id), onRetry: () => sync.retry(entry.id), rich,
      }));
    }
    return nodes;
  }

  function renderHeader() {
    const c = conversation();
    infoButton.hidden = c?.kind !== 'group';
    const name = c ? conversationTitle(c, users) : users.name(recipientId);
    title.textContent = name;
    const otherId = c ? otherMemberId(c) : recipientId;
    const dot = (c?.kind ?? 'direct') === 'direct' ? presenceDot(social.presenceOf(otherId)) : null;
    const picture = (c?.kind ?? 'direct') === 'direct' ? { cache: media, id: users.get(otherId)?.avatar } : null;
    avatarSlot.replaceChildren(avatar(name, c?.members[0]?.user_id ?? recipientId ?? conversationId, c?.kind ?? 'direct', picture), ...(dot ? [dot] : []));
    friendship.show((c?.kind ?? 'direct') === 'direct' ? otherId ?? null : null);
  }

  function renderTyping() {
    const names = conversationId ? typing.typers(conversationId).map((id) => users.name(id)) : [];
    typingLine.textContent = names.length ? t('is_typing', { name: names.join(', ') }) : '';
  }

  function render() {
    const c = conversation();
    if (recipientId && !conversationId) {
      const existing = state.findDirectWith(recipientId);
      if (existing) {
        // What was typed meanwhile goes along into the conversation's chat.
        const typed = drafts.get(draftKey(target));
        drafts.set(draftKey(target), '');
        if (typed) drafts.set(draftKey({ conversationId: existing.id }), typed);
        navigate(`/chat/${existing.id}`, { replace: true });
        return;
      }
    }
    const wasAtBottom = (firstRender || atBottom()) && !focusSeq;
    const previousHeight = scroller.scrollHeight;
    const previousTop = scroller.scrollTop;
    renderHeader();
    const isSystem = c?.kind === 'system';
    section.classList.toggle('system', isSystem);
    composer.element.hidden = isSystem;
    readonlyNote.hidden = !isSystem;
    observer.disconnect();
    list.replaceChildren(...items());
    for (const node of list.querySelectorAll('li[data-unread="true"]')) observer.observe(node);
    topNote.textContent = !c || (c.historyLoaded && !c.hasMoreBefore) ? t('beginning') : t('loading');
    if (wasAtBottom) scrollToBottom();
    else if (scroller.scrollHeight !== previousHeight && previousTop < NEAR_TOP_PX) {
      scroller.scrollTop = previousTop + (scroller.scrollHeight - previousHeight); // a page came in above
    }
    if (focusSeq && c?.historyLoaded && (scrollToMessage(focusSeq) || !c.hasMoreBefore)) focusSeq = null;
    jump.hidden = atBottom();
    firstRender = false;
    maybeLoadMore();
  }

  function maybeLoadMore() {
    const c = conversation();
    if (!c || (c.historyLoaded && !c.hasMoreBefore) || sync.status() !== 'online') return;
    const seeking = focusSeq && c.oldestSeq > focusSeq;
    if (!c.historyLoaded || seeking || scroller.scrollTop < NEAR_TOP_PX) sync.loadPage(conversationId).catch(() => {});
  }

  // Files dragged over the chat: a hint while over it, an upload each when dropped.
  function hasFiles(event) {
    return [...(event.dataTransfer?.types ?? [])].includes('Files');
  }
  let dragDepth = 0;
  section.addEventListener('dragenter', (event) => {
    if (!hasFiles(event) || composer.element.hidden) return;
    dragDepth += 1;
    dropHint.hidden = false;
  });
  section.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) dropHint.hidden = true;
  });
  section.addEventListener('dragover', (event) => { if (hasFiles(event) && !composer.element.hidden) event.preventDefault(); });
  section.addEventListener('drop', (event) => {
    dragDepth = 0;
    dropHint.hidden = true;
    if (!hasFiles(event) || composer.element.hidden) return;
    event.preventDefault();
    addFiles(event.dataTransfer.files);
  });

  scroller.addEventListener('scroll', () => {
    jump.hidden = atBottom();
    maybeLoadMore();
  });

  section.append(
    h('header', { className: 'pane-header' },
      h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate('/'); } }, '←'),
      avatarSlot, Object.assign(title, { id: 'chat-title' }), searchButton, infoButton),
    friendship.element,
    scroller,
    jump,
    typingLine,
    alertLine,
    readonlyNote,
    composer.element,
    dropHint);
  container.replaceChildren(section);

  const onVisibility = () => markVisibleRead();
  document.addEventListener('visibilitychange', onVisibility);
  // An event (member added, role changed...) makes the open group panel reload its members.
  let panelSeq = 0;
  function refreshPanelOnNewEvent() {
    const c = conversation();
    if (!c || c.kind !== 'group') return;
    let lastEvent = 0;
    for (const message of c.messages.values()) if (message.kind === 'event') lastEvent = Math.max(lastEvent, message.seq);
    if (panel?.element.isConnected && lastEvent > panelSeq) panel.refresh();
    panelSeq = Math.max(panelSeq, lastEvent);
  }

  const unsubscribeState = state.subscribe((id) => {
    if (id !== null && id !== conversationId) return;
    render();
    refreshPanelOnNewEvent();
  });
  const unsubscribeOutbox = outbox.subscribe(render);
  // Back online: load what is missing, and send the read a closed connection could not carry.
  const unsubscribeStatus = sync.subscribeStatus(() => {
    maybeLoadMore();
    markVisibleRead();
  });
  // A name learnt later (someone who just joined) reaches the bubbles and the open panel.
  const unsubscribeUsers = users.subscribe(() => {
    render();
    if (panel?.element.isConnected) panel.render();
  });
  const unsubscribeSocial = social.subscribe(renderHeader);
  const unsubscribeTyping = typing.subscribe((id) => { if (id === conversationId) renderTyping(); });
  const unsubscribeUploads = uploads.subscribe(renderUploads);
  const unsubscribeFailures = sync.subscribeFailures((entry, code) => {
    if (entry.conversation_id === conversationId) alertLine.textContent = errorText({ code }, 'message_op');
  });
  render();
  renderUploads();
  composer.setDraft(drafts.get(draftKey(target)));
  if (!composer.element.hidden) composer.focus();

  return () => {
    menu?.close();
    mediaViews.dispose();
    unsubscribeUploads();
    unsubscribeFailures();
    unsubscribeStatus();
    unsubscribeUsers();
    unsubscribeSocial();
    unsubscribeTyping();
    observer.disconnect();
    document.removeEventListener('visibilitychange', onVisibility);
    unsubscribeState();
    unsubscribeOutbox();
  };
}
