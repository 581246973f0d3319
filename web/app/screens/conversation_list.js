// conversation_list: the left pane. My name, a friends link (badge: incoming requests), a
// moments link (a dot while moments_activity has something unseen), a new-group
// link, a settings link, a "start a chat by username" form, and every conversation sorted by activity
// with avatar, title, last-message preview, time, unread badge and, for direct chats with
// friends, a presence dot. Re-renders on every chat_state, user cache or social_state change;
// the open conversation is marked aria-current. Another conversation with a draft shows
// "Draft: ..." instead of its last message. Unread counts leave out operations (edits,
// deletions, reactions: chat_state.unread); a search link opens the message search.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatStamp } from '../format.js';
import { draftKey } from '../drafts.js';
import { t } from '../i18n.js';
import { avatar } from '../components/avatar.js';
import { conversationTitle, messagePreview, otherMemberId } from '../components/conversation_title.js';
import { presenceDot } from '../components/presence_dot.js';

export function mountConversationList(container, { state, social, moments, users, media, session, drafts, navigate, currentId, startChat }) {
  const list = h('ul', { className: 'conversation-list', 'aria-label': t('conversations') });
  const input = h('input', { id: 'new-chat', placeholder: t('new_chat_placeholder'), 'aria-label': t('new_chat_label'), autocapitalize: 'none' });
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const me = h('span', { className: 'me' });
  const incomingBadge = h('span', { className: 'unread-badge', 'aria-hidden': 'true', hidden: true });
  const momentsDot = h('span', { className: 'moments-dot', hidden: true }, h('span', { className: 'visually-hidden' }, t('new_moments')));

  async function onNewChat(event) {
    event.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    alert.textContent = '';
    try {
      await startChat(name);
      input.value = '';
    } catch (error) {
      alert.textContent = errorText(error);
    }
  }

  function render() {
    me.textContent = users.name(session.user.id);
    me.title = me.textContent;
    const requests = social.incoming().length;
    incomingBadge.hidden = requests === 0;
    incomingBadge.textContent = String(requests);
    momentsDot.hidden = !moments.unseen();
    const conversations = state.sorted();
    if (conversations.length === 0) {
      list.replaceChildren(h('li', { className: 'empty' }, t('no_conversations')));
      return;
    }
    list.replaceChildren(...conversations.map((c) => row(c)));
  }

  function row(conversation) {
    const title = conversationTitle(conversation, users);
    const unread = state.unread(conversation);
    const selected = conversation.id === currentId();
    const draft = selected ? '' : drafts.get(draftKey({ conversationId: conversation.id })).replace(/\s+/g, ' ');
    return h('li', { className: `conversation ${conversation.kind}`, 'data-conversation-id': conversation.id },
      h('a', {
        href: `/chat/${conversation.id}`, 'aria-current': selected ? 'page' : false,
        'aria-label': unread ? `${title}, ${t('unread', { count: unread })}` : title,
        onClick: (event) => { event.preventDefault(); navigate(`/chat/${conversation.id}`); },
      },
      h('span', { className: 'avatar-wrap' },
        avatar(title, conversation.members[0]?.user_id ?? conversation.id, conversation.kind,
          conversation.kind === 'direct' ? { cache: media, id: users.get(otherMemberId(conversation))?.avatar } : null),
        conversation.kind === 'direct' && presenceDot(social.presenceOf(otherMemberId(conversation)))),
      h('span', { className: 'conversation-text' },
        h('span', { className: 'conversation-title' }, title),
        draft
          ? h('span', { className: 'conversation-preview' }, h('span', { className: 'draft-label' }, t('draft_label')), ' ', draft)
          : h('span', { className: 'conversation-preview' }, messagePreview(conversation.last_message, session.user.id, users, conversation.kind === 'group'))),
      h('span', { className: 'conversation-meta' },
        h('time', {}, formatStamp(conversation.last_activity_at)),
        unread > 0 && h('span', { className: 'unread-badge', 'aria-hidden': 'true' }, unread > 99 ? '99+' : unread))));
  }

  container.replaceChildren(
    h('header', { className: 'pane-header' },
      h('div', { className: 'who' }, h('h1', { className: 'app-name' }, t('app_name')), me),
      h('a', { href: '/friends', className: 'icon-button friends-link', 'aria-label': t('friends'), title: t('friends'),
        onClick: (event) => { event.preventDefault(); navigate('/friends'); } }, '👥', incomingBadge),
      h('a', { href: '/moments', className: 'icon-button moments-link', 'aria-label': t('moments'), title: t('moments'),
        onClick: (event) => { event.preventDefault(); navigate('/moments'); } }, '📷', momentsDot),
      h('a', { href: '/search', className: 'icon-button search-link', 'aria-label': t('search_messages'), title: t('search_messages'),
        onClick: (event) => { event.preventDefault(); navigate('/search'); } }, '🔍'),
      h('a', { href: '/new-group', className: 'icon-button new-group-link', 'aria-label': t('new_group'), title: t('new_group'),
        onClick: (event) => { event.preventDefault(); navigate('/new-group'); } }, '➕'),
      h('a', { href: '/settings', className: 'icon-button', 'aria-label': t('settings'), title: t('settings'),
        onClick: (event) => { event.preventDefault(); navigate('/settings'); } }, '⚙️')),
    h('form', { className: 'new-chat', onSubmit: onNewChat }, input, h('button', { type: 'submit' }, t('new_chat_button'))),
    alert,
    h('nav', { 'aria-label': t('conversations') }, list));
  render();
  const unsubscribers = [state.subscribe(render), users.subscribe(render), social.subscribe(render), moments.subscribe(render)];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
