// friendship_note: the line under a direct chat's header (a draft chat's too: the new-chat
// flow) while the other person is not my friend, so nobody learns it from a refused message:
// "Bob isn't your friend yet" with "Send friend request"; once asked, "Friend request sent";
// for a request from them, "Bob wants to be your friend" with "Accept"; for someone I blocked,
// "You blocked Bob" with "Unblock". Hidden for friends, in groups and system conversations, and
// until this device has its friend lists (social_state.loaded()). createFriendshipNote({api,
// social, sync, users, myId}) -> {element, show(otherId | null)}; show() again on every
// social_state or user change. An action's error shows in the line, as its sentence.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { acceptFriendship, relationTo, requestFriendship, unblockUser } from '../friendship.js';
import { t } from '../i18n.js';

export function createFriendshipNote({ api, social, sync, users, myId }) {
  const text = h('span', { className: 'friendship-text' });
  const action = h('span', { className: 'friendship-action' });
  const alert = h('span', { className: 'form-error', role: 'alert' });
  const element = h('div', { className: 'friendship-note', hidden: true }, text, action, alert);
  let shownFor = null;

  const button = (label, act) => h('button', {
    type: 'button', className: 'primary',
    onClick: async () => {
      alert.textContent = '';
      try {
        await act();
      } catch (error) {
        alert.textContent = errorText(error, 'friends');
      }
    },
  }, label);

  function show(otherId) {
    if (otherId !== shownFor) alert.textContent = '';
    shownFor = otherId;
    const where = otherId == null || !social.loaded() ? 'friends' : relationTo(social, myId, otherId);
    element.hidden = where === 'friends' || where === 'you';
    if (element.hidden) return;
    const name = users.name(otherId);
    const lines = {
      none: [t('not_friend_yet', { name }), button(t('send_friend_request'), () => requestFriendship({ api, sync }, otherId))],
      requested: [t('friend_request_sent', { name }), null],
      asked: [t('wants_to_be_friend', { name }), button(t('accept'), () => acceptFriendship({ api, social }, otherId))],
      blocked: [t('you_blocked', { name }), button(t('unblock'), () => unblockUser({ api, social }, otherId))],
    };
    const [sentence, control] = lines[where];
    text.textContent = sentence;
    action.replaceChildren(...(control ? [control] : []));
  }

  return { element, show };
}
