// conversation_title: how a conversation is named in the list and the chat header. Direct:
// the other member's name from the user cache; system: "System notices"; group: its name.
import { t } from '../i18n.js';
import { eventText } from './event_text.js';
import { mediaLabel } from './message_item.js';

export function otherMemberId(conversation) {
  return conversation.members[0]?.user_id;
}

export function conversationTitle(conversation, users) {
  if (conversation.kind === 'system') return t('system_title');
  if (conversation.kind === 'group') return conversation.name || `#${conversation.id}`;
  const other = otherMemberId(conversation);
  return other === undefined ? `#${conversation.id}` : users.name(other);
}

// A one-line preview of a message for the list (in groups, others' texts name their sender);
// a media message without a caption says what it is, a deleted one that it was deleted. The
// "You: " before mine is the language's (French puts a no-break space before the colon).
export function messagePreview(message, myId, users, isGroup = false) {
  if (!message) return '';
  if (message.kind === 'event') return eventText(message, users);
  const body = message.deleted ? t('message_deleted') : (message.text || mediaLabel(message.media?.kind));
  const text = String(body ?? '').replace(/\s+/g, ' ');
  if (message.sender_id === myId) return t('preview_mine', { text });
  return isGroup ? t('preview_sender', { name: users.name(message.sender_id), text }) : text;
}
