// chat_view: one conversation (conversationId) or a not-yet-created direct chat (recipientId).
// This file mounts the chat and wires its parts; each part is a module of its own under chat/:
// - chat_header.js: back link, avatar and presence, title, search and group info buttons, and
//   the line saying where I stand with someone who is not a friend (a draft chat's too);
// - message_pane.js: the messages (day separators, groups of one sender, the "Unread
//   messages" line, event lines, ticks), kept in place as they change (message_list.js),
//   scrolling, paging back, "Jump to latest", marking read, a search result's focus;
// - message_actions.js: react, reply, edit (Up in an empty composer edits my last text),
//   delete, a right-click or ⋯ menu, and the lightbox;
// - upload_list.js and file_drop.js: files picked, pasted, dropped or recorded upload with a
//   progress bar and Cancel each, then go out as messages;
// - group_panel_toggle.js: a group's info panel (a history overlay; a sheet on a phone).
//
// Contract of the whole
// - System conversations are read-only: no composer.
// - Typing in the composer sends `typing` (throttled in sync); "X is typing…" shows under the
//   messages while typing_state lists someone.
// - A draft chat becomes its conversation's chat as soon as the first message is acknowledged
//   (what was typed meanwhile goes along).
// - What is typed and not sent is kept per conversation (drafts.js) and is back in the field
//   when the chat opens again, also after a reload.
// - The server's limits (its welcome) are checked before sending: a text over max_text_bytes
//   stays in the composer, a file over max_upload_bytes is refused, each said in words with the
//   limit. A message the server refuses shows why, in words, with Retry and Discard; a refused
//   operation or upload shows its reason above the composer.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatBytes } from '../format.js';
import { t } from '../i18n.js';
import { draftKey } from '../drafts.js';
import { relationTo } from '../friendship.js';
import { createComposer } from '../components/composer.js';
import { createStickerPicker } from '../components/sticker_picker.js';
import { otherMemberId } from '../components/conversation_title.js';
import { createMediaViews } from '../components/media_view.js';
import { createChatHeader } from './chat/chat_header.js';
import { attachFileDrop } from './chat/file_drop.js';
import { createGroupPanelToggle } from './chat/group_panel_toggle.js';
import { createMessageActions } from './chat/message_actions.js';
import { createMessagePane } from './chat/message_pane.js';
import { createUploadList } from './chat/upload_list.js';

export function mountChatView(container, { api, state, social, typing, outbox, drafts, sync, users, session, media, uploads, conversationId, recipientId, focusSeq, navigate, openOverlay, closeOverlay }) {
  const myId = session.user.id;
  const conversation = () => (conversationId ? state.get(conversationId) : null);
  const target = conversationId ? { conversationId } : { to: recipientId };
  const section = h('section', { className: 'chat', 'aria-labelledby': 'chat-title' });
  const alertLine = h('p', { className: 'chat-alert', role: 'alert' });
  const showAlert = (text) => { alertLine.textContent = text; };
  const typingLine = h('p', { className: 'typing-line', 'aria-live': 'polite' });
  const readonlyNote = h('p', { className: 'readonly-note', hidden: true }, t('system_readonly'));

  let composer = null;
  const actions = createMessageActions({
    section, state, sync, api, users, media, myId, conversationId, conversation, composer: () => composer, onAlert: showAlert,
  });
  const mediaViews = createMediaViews({ cache: media, onOpenImage: actions.openImage });
  const uploadList = createUploadList({ uploads, target });
  const pane = createMessagePane({
    conversation, conversationId, recipientId, outbox, sync, users, myId, uploadList: uploadList.element, focusSeq, sendContext,
    rich: {
      users, myId, media: mediaViews, cache: media, onQuote: (seq) => pane.scrollToMessage(seq), onReact: actions.toggleReaction, onActions: actions.openActions,
    },
  });
  let panel = null;
  const header = createChatHeader({
    conversation, conversationId, recipientId, api, social, sync, users, media, myId, navigate, onInfo: () => panel.toggle(),
  });
  panel = createGroupPanelToggle({
    container, section, button: header.infoButton, api, social, users, session, groupId: conversationId, navigate, openOverlay, closeOverlay,
  });

  // Files to send (picked, pasted, dropped, recorded): one over the server's limit is refused
  // here, in words with the limit, before any byte goes out.
  function addFiles(files, { kind, replyTo } = {}) {
    const limit = sync.limits().max_upload_bytes;
    const refused = [];
    for (const file of files) {
      if (limit && file.size > limit) refused.push(t('file_too_large', { name: file.name, size: formatBytes(file.size), limit: formatBytes(limit) }));
      else uploads.add({ file, kind, target, replyTo });
    }
    showAlert(refused.join(' '));
    pane.scrollToBottom();
  }

  function onSend(text, mode) {
    showAlert('');
    if (mode?.edit) {
      if (text !== mode.edit.text) sync.sendOp({ conversationId, op: 'edit', seq: mode.edit.seq, text });
      return;
    }
    sync.sendMessage({ ...target, text, replyTo: mode?.reply ?? null });
    pane.scrollToBottom();
  }

  const stickers = createStickerPicker({
    api, cache: media,
    onPick: (sticker) => {
      showAlert('');
      sync.sendMessage({ ...target, sticker });
      pane.scrollToBottom();
    },
  });
  composer = createComposer({
    onSend, users, stickers, onInput: () => { if (conversationId) sync.sendTyping(conversationId); },
    maxTextBytes: () => sync.limits().max_text_bytes ?? 0,
    onDraft: (text) => drafts.set(draftKey(target), text),
    onEditLast: actions.editLast,
    onFiles: (files, replyTo) => addFiles(files, { replyTo }),
    onVoice: (file, replyTo) => addFiles([file], { kind: 'voice', replyTo }),
    onVideo: (file, replyTo) => addFiles([file], { kind: 'video', replyTo }),
    onError: showAlert,
  });
  const dropHint = attachFileDrop(section, { accepts: () => !composer.element.hidden, onFiles: addFiles });

  // A refused message says why as it is: in a group, muted; in a direct chat, that I blocked
  // them or that we are not friends yet (the server's `forbidden` does not say which).
  function sendContext() {
    const c = conversation();
    if (c?.kind === 'group') return ['group_send', 'send'];
    if (!social.loaded()) return ['send'];
    const relation = relationTo(social, myId, c ? otherMemberId(c) : recipientId);
    const specific = { blocked: 'send_blocked', none: 'send_not_friends', requested: 'send_not_friends', asked: 'send_not_friends' }[relation];
    return specific ? [specific, 'send'] : ['send'];
  }

  function renderTyping() {
    const names = conversationId ? typing.typers(conversationId).map((id) => users.name(id)) : [];
    typingLine.textContent = names.length ? t('is_typing', { name: names.join(', ') }) : '';
  }

  // A draft chat whose conversation now exists becomes that conversation's chat; true then.
  function becameConversation() {
    if (!recipientId || conversationId) return false;
    const existing = state.findDirectWith(recipientId);
    if (!existing) return false;
    const typed = drafts.get(draftKey(target));
    drafts.set(draftKey(target), '');
    if (typed) drafts.set(draftKey({ conversationId: existing.id }), typed);
    navigate(`/chat/${existing.id}`, { replace: true });
    return true;
  }

  // Changes are drawn once per frame: a message brings several (the message, my delivered and
  // read cursors), and each drawing measures the list. The timer draws when frames do not come
  // (a hidden tab).
  let queued = null;
  function scheduleRender() {
    if (queued) return;
    const run = () => {
      cancelAnimationFrame(queued.frame);
      clearTimeout(queued.timer);
      queued = null;
      render();
    };
    queued = { frame: requestAnimationFrame(run), timer: setTimeout(run, 250) };
  }

  function render() {
    if (becameConversation()) return;
    header.render();
    const isSystem = conversation()?.kind === 'system';
    section.classList.toggle('system', isSystem);
    composer.element.hidden = isSystem;
    readonlyNote.hidden = !isSystem;
    pane.render();
  }

  section.append(header.element, header.note, pane.element, pane.jump, typingLine, alertLine, readonlyNote, composer.element, dropHint);
  container.replaceChildren(section);

  const onVisibility = () => pane.markVisibleRead();
  document.addEventListener('visibilitychange', onVisibility);
  const unsubscribers = [
    state.subscribe((id) => {
      if (id !== null && id !== conversationId) return;
      scheduleRender();
      panel.onConversation(conversation());
    }),
    outbox.subscribe(scheduleRender),
    // Back online: load what is missing, and send the read a closed connection could not carry.
    sync.subscribeStatus(() => {
      pane.maybeLoadMore();
      pane.markVisibleRead();
    }),
    // A name learnt later (someone who just joined) reaches the bubbles and the open panel.
    users.subscribe(() => {
      if (becameConversation()) return;
      header.render();
      pane.renderNames();
      panel.onNames();
    }),
    social.subscribe(() => {
      header.render();
      scheduleRender(); // a refused message's reason follows the friendship
    }),
    typing.subscribe((id) => { if (id === conversationId) renderTyping(); }),
    uploads.subscribe(() => pane.keepBottom(uploadList.render)),
    sync.subscribeFailures((entry, code) => {
      if (entry.conversation_id === conversationId) showAlert(errorText({ code }, 'message_op'));
    }),
  ];
  render();
  uploadList.render();
  composer.setDraft(drafts.get(draftKey(target)));
  if (!composer.element.hidden) composer.focus();

  return () => {
    if (queued) {
      cancelAnimationFrame(queued.frame);
      clearTimeout(queued.timer);
    }
    actions.close();
    mediaViews.dispose();
    for (const unsubscribe of unsubscribers) unsubscribe();
    pane.dispose();
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
