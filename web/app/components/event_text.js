// event_text: the readable line for a group event message (docs/protocol.md "Events"), with
// names from the user cache, e.g. "Alice added Bob, Carol". Unknown event types (and fields)
// fall back to a generic line, as the protocol asks clients to ignore what they do not know.
import { formatDate } from '../format.js';
import { t } from '../i18n.js';

export function eventText(message, users) {
  const event = message.event ?? {};
  const actor = users.name(event.actor ?? message.sender_id);
  const params = {
    actor,
    user: event.user !== undefined ? users.name(event.user) : '',
    users: (event.users ?? []).map((id) => users.name(id)).join(', '),
    name: event.name ?? '',
    topic: event.topic ?? '',
    until: event.until ? formatDate(event.until) : '',
  };
  switch (event.type) {
    case 'group_created': case 'member_removed': case 'member_left': case 'renamed':
    case 'unmuted': case 'muted': case 'ownership_transferred': case 'group_deleted':
      return t(`event.${event.type}`, params);
    case 'member_added':
      return t(event.via ? 'event.member_joined' : 'event.member_added', params);
    case 'topic_changed':
      return t(event.topic ? 'event.topic_changed' : 'event.topic_cleared', params);
    case 'role_changed':
      return t(event.role === 'admin' ? 'event.role_changed_admin' : 'event.role_changed_member', params);
    case 'visibility_changed':
      return t(event.is_public ? 'event.visibility_public' : 'event.visibility_private', params);
    default:
      return t('event_generic');
  }
}

// Whether an event ends this device's membership (the group is gone for me afterwards).
export function endsMyMembership(message, myId) {
  const event = message.event ?? {};
  return event.type === 'group_deleted'
    || (event.type === 'member_left' && (event.actor ?? message.sender_id) === myId)
    || (event.type === 'member_removed' && (event.users ?? []).includes(myId));
}
