// message_actions: what a person does to a chat's messages. toggleReaction(message, emoji)
// reacts or takes the reaction back (as the message is now); openActions(message, button) opens
// its actions menu (message_menu.js, loaded on first use) with only the actions allowed: react,
// reply, edit (my texts) and delete (mine, or anyone's for a group's owner and admins; the
// server also checks ranks) and report (others' texts, to the server admins); editLast() puts my last text message in the composer for editing
// (false when there is none); openImage(media) opens the lightbox on the chat's images.
// `composer` is a getter: the composer is made after these actions, which it calls.
import { errorText } from '../../errors.js';
import { t } from '../../i18n.js';
import { hasReacted } from '../../message_ops.js';

const ADMIN_ROLES = new Set(['owner', 'admin']);

export function createMessageActions({ section, state, sync, api, users, media, myId, conversationId, conversation, composer, onAlert }) {
  let menu = null; // loaded on first use

  function toggleReaction(message, emoji) {
    onAlert('');
    const now = state.message(conversationId, message.seq) ?? message; // as it is after any op since
    sync.sendOp({ conversationId, op: 'react', seq: message.seq, emoji, on: !hasReacted(now, myId, emoji) });
  }

  function editLast() {
    const c = conversation();
    const last = c && [...c.messages.values()].filter((m) => m.sender_id === myId && m.kind === 'text' && !m.deleted)
      .sort((a, b) => b.seq - a.seq)[0];
    if (!last) return false;
    composer().edit(last);
    return true;
  }

  async function openActions(message, button) {
    if (!menu) {
      const { createMessageMenu } = await import('../../components/message_menu.js');
      menu ??= createMessageMenu({ container: section });
      section.append(menu.element);
    }
    const c = conversation();
    const mine = message.sender_id === myId;
    menu.open(message, button, {
      canEdit: mine && message.kind === 'text',
      canDelete: mine || (c?.kind === 'group' && ADMIN_ROLES.has(c.role)),
      reacted: (emoji) => hasReacted(message, myId, emoji),
      onReact: (emoji) => toggleReaction(message, emoji),
      onReply: () => composer().reply(message),
      onEdit: () => composer().edit(message),
      onDelete: () => sync.sendOp({ conversationId, op: 'delete', seq: message.seq }),
      canReport: !mine && message.kind === 'text' && !message.deleted && c?.kind !== 'system',
      onReport: (reason) => report(message, reason),
    });
  }

  async function report(message, reason) {
    onAlert('');
    try {
      await api.reportMessage(conversationId, message.seq, reason);
      onAlert(t('report_sent'));
    } catch (error) {
      onAlert(errorText(error, 'report'));
    }
  }

  async function openImage(mediaObject) {
    const images = [...(conversation()?.messages.values() ?? [])]
      .filter((m) => m.media?.kind === 'image' && !m.deleted).sort((a, b) => a.seq - b.seq)
      .map((m) => ({ media: m.media, sender_id: m.sender_id, created_at: m.created_at }));
    if (!images.some((image) => image.media.id === mediaObject.id)) images.push({ media: mediaObject, sender_id: myId, created_at: Date.now() });
    const { openLightbox } = await import('../../components/lightbox.js');
    openLightbox({ images, index: images.findIndex((image) => image.media.id === mediaObject.id), cache: media, users });
  }

  return { toggleReaction, editLast, openActions, openImage, close: () => menu?.close() };
}
