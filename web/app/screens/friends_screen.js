// friends_screen: find people and manage friendships. A search by username or display name
// (each result with what can be done: "add friend", sending the optional note, or "accept" for
// a request from them; or where things stand: "You", "Friends", "Requested", "Blocked"; kept
// current as the lists change: friendship.js), incoming requests (accept /
// decline), outgoing ones (cancel), friends with presence and last seen (chat / remove /
// block, both asking first with the person's name) and blocked users (unblock, which undoes a
// block). Lists come from social_state, so frames update them live;
// every action's error is shown with its code's sentence. People show their picture when they
// have one.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { acceptFriendship, relationTo, requestFriendship, unblockUser } from '../friendship.js';
import { t } from '../i18n.js';
import { avatar } from '../components/avatar.js';
import { confirmStep } from '../components/confirm_step.js';
import { presenceDot, presenceLabel } from '../components/presence_dot.js';

export function mountFriendsScreen(container, { api, social, state, users, media, sync, session, navigate }) {
  const query = h('input', { id: 'user-search', type: 'search', placeholder: t('search_users'), 'aria-label': t('search_users'), autocapitalize: 'none' });
  const note = h('input', { id: 'friend-note', maxlength: 256, placeholder: t('friend_note'), 'aria-label': t('friend_note') });
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const results = h('ul', { className: 'people search-results' });
  const lists = h('div');
  let found = null; // the last search's users, null before one

  async function act(action) {
    alert.textContent = '';
    try {
      await action();
    } catch (error) {
      alert.textContent = errorText(error, 'friends');
    }
  }

  function person(id, extra, ...buttons) {
    const name = users.name(id);
    const user = users.get(id);
    return h('li', { className: 'person', 'data-user-id': id },
      h('span', { className: 'avatar-wrap' }, avatar(name, id, '', { cache: media, id: user?.avatar }), presenceDot(social.presenceOf(id))),
      h('span', { className: 'person-text' },
        h('span', { className: 'person-name' }, name),
        h('span', { className: 'muted' }, [user?.username && `@${user.username}`, extra].filter(Boolean).join(' · '))),
      h('span', { className: 'person-actions' }, ...buttons));
  }

  const button = (label, onClick, className = '') => h('button', { type: 'button', className, onClick: () => act(onClick) }, label);

  // Removing and blocking ask first, naming the person (confirm_step.js); the open question
  // (`${label}:${id}`) survives the re-renders of live updates.
  let askingKey = null;
  const asking = (label, id, question, action, className = '') => confirmStep({
    label, question, className, onConfirm: () => act(action), asking: askingKey === `${label}:${id}`,
    onAsking: (open) => { askingKey = open ? `${label}:${id}` : null; },
  });

  const relation = (key) => h('span', { className: 'muted relation' }, t(key));

  const accept = (id) => acceptFriendship({ api, social }, id);

  // What a search result offers: an action, or where things stand with that person.
  function searchAction(id) {
    const where = relationTo(social, session.user.id, id);
    if (where === 'asked') return button(t('accept'), () => accept(id), 'primary');
    if (where === 'none') return button(t('add_friend'), async () => { await requestFriendship({ api, sync }, id, note.value.trim()); note.value = ''; });
    return relation(`relation_${where}`);
  }

  function renderResults() {
    if (!found) return;
    results.replaceChildren(...(found.length
      ? found.map((u) => person(u.id, u.status_line, searchAction(u.id)))
      : [h('li', { className: 'empty' }, t('no_users_found'))]));
  }

  async function search(event) {
    event.preventDefault();
    const q = query.value.trim();
    if (!q) return;
    await act(async () => {
      ({ users: found } = await api.searchUsers(q));
      found.forEach(users.remember);
      renderResults();
    });
  }

  function openChat(id) {
    const existing = state.findDirectWith(id);
    navigate(existing ? `/chat/${existing.id}` : `/new/${id}`);
  }

  function section(title, className, items) {
    return h('section', { className },
      h('h3', {}, title),
      h('ul', { className: 'people' }, items.length ? items : h('li', { className: 'empty' }, t('none'))));
  }

  function render() {
    renderResults();
    lists.replaceChildren(
      section(t('incoming_requests'), 'incoming', social.incoming().map((r) => person(r.from_id, r.note,
        button(t('accept'), () => accept(r.from_id), 'primary'),
        button(t('decline'), async () => { await api.declineFriend(r.from_id); social.dropRequest(r, r.to_id); })))),
      section(t('outgoing_requests'), 'outgoing', social.outgoing().map((r) => person(r.to_id, r.note,
        button(t('cancel'), async () => { await api.cancelFriendRequest(r.to_id); social.dropRequest(r, r.from_id); })))),
      section(t('friends'), 'friends', social.friends().map((f) => {
        const presence = social.presenceOf(f.user_id);
        return person(f.user_id, presence && presenceLabel(presence),
          button(t('chat'), () => openChat(f.user_id)),
          asking(t('remove_friend'), f.user_id, t('confirm_remove_friend', { name: users.name(f.user_id) }),
            async () => { await api.removeFriend(f.user_id); social.removeFriend(f.user_id); }),
          asking(t('block'), f.user_id, t('confirm_block', { name: users.name(f.user_id) }), async () => { await api.block(f.user_id); await sync.refreshSocial(); }, 'danger'));
      })),
      section(t('blocked_users'), 'blocked', social.blocks().map((b) => person(b.user_id, '',
        button(t('unblock'), () => unblockUser({ api, social }, b.user_id))))));
  }

  container.replaceChildren(h('section', { className: 'settings friends-screen', 'aria-labelledby': 'friends-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate('/'); } }, '←'),
      h('h2', { id: 'friends-title' }, t('friends'))),
    h('div', { className: 'settings-body' },
      h('form', { className: 'stack', onSubmit: search }, query, note, h('button', { type: 'submit' }, t('search'))),
      alert, results, lists)));
  render();
  const unsubscribers = [social.subscribe(render), users.subscribe(render)];
  query.focus();
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
