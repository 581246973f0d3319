// chat_header: the header of a chat: a back link to the list, the avatar (with the other's
// presence dot in a direct chat), the title, a search button (stored conversations only) and,
// in groups, the info button that toggles the group panel (onInfo). Under it, in a direct chat
// (a draft one too), the line saying where I stand with someone who is not a friend
// (friendship_note.js). createChatHeader(...) -> {element, note, infoButton, render()}; render()
// again whenever the conversation, a name or a presence changes.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { avatar } from '../../components/avatar.js';
import { conversationTitle, otherMemberId } from '../../components/conversation_title.js';
import { createFriendshipNote } from '../../components/friendship_note.js';
import { presenceDot } from '../../components/presence_dot.js';

export function createChatHeader({ conversation, conversationId, recipientId, api, social, sync, users, media, myId, navigate, onInfo }) {
  const title = h('h2', { className: 'chat-title', id: 'chat-title' });
  const avatarSlot = h('span', { className: 'avatar-wrap' });
  const friendship = createFriendshipNote({ api, social, sync, users, myId });
  const infoButton = h('button', {
    type: 'button', className: 'icon-button group-info-button', 'aria-label': t('group_info'), title: t('group_info'),
    'aria-expanded': 'false', hidden: true, onClick: onInfo,
  }, 'ℹ️');
  const searchButton = h('button', {
    type: 'button', className: 'icon-button chat-search', 'aria-label': t('search_in_conversation'), title: t('search_in_conversation'),
    hidden: !conversationId, onClick: () => navigate(`/search?in=${conversationId}`),
  }, '🔍');
  const element = h('header', { className: 'pane-header' },
    h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
      onClick: (event) => { event.preventDefault(); navigate('/'); } }, '←'),
    avatarSlot, title, searchButton, infoButton);

  function render() {
    const c = conversation();
    const kind = c?.kind ?? 'direct';
    infoButton.hidden = kind !== 'group';
    const name = c ? conversationTitle(c, users) : users.name(recipientId);
    title.textContent = name;
    const otherId = c ? otherMemberId(c) : recipientId;
    const dot = kind === 'direct' ? presenceDot(social.presenceOf(otherId)) : null;
    const picture = kind === 'direct' ? { cache: media, id: users.get(otherId)?.avatar } : null;
    avatarSlot.replaceChildren(avatar(name, c?.members[0]?.user_id ?? recipientId ?? conversationId, kind, picture), ...(dot ? [dot] : []));
    friendship.show(kind === 'direct' ? otherId ?? null : null);
  }

  return { element, note: friendship.element, infoButton, render };
}
