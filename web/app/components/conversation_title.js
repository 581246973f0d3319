// conversation_title: how a conversation is named in the list and the chat header. Direct:
// the other member's name from the user cache; system: "System notices"; groups get their
// name here when the groups API lands.
import { t } from '../i18n.js';

export function otherMemberId(conversation) {
  return conversation.members[0]?.user_id;
}

export function conversationTitle(conversation, users) {
  if (conversation.kind === 'system') return t('system_title');
  const other = otherMemberId(conversation);
  return other === undefined ? `#${conversation.id}` : users.name(other);
}

// A one-line preview of a message for the list.
export function messagePreview(message, myId) {
  if (!message) return '';
  if (message.kind === 'event') return t('event_generic');
  const text = String(message.text ?? '').replace(/\s+/g, ' ');
  return message.sender_id === myId ? `${t('you')}: ${text}` : text;
}
