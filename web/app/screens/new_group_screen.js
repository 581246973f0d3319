// new_group_screen: create a group (a name and friends to add, as checkboxes), or join one with
// an invite code. Either way, on success it opens the group's chat; errors show with their
// code's sentence.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

export function mountNewGroupScreen(container, { api, social, users, sync, navigate }) {
  const name = h('input', { id: 'group-name', required: true, maxlength: 64 });
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const code = h('input', { id: 'join-code', required: true, autocapitalize: 'none', autocomplete: 'off' });
  const joinAlert = h('p', { className: 'form-error', role: 'alert' });
  const friends = social.friends();
  const boxes = friends.map((f) => h('input', { type: 'checkbox', value: f.user_id, id: `pick-${f.user_id}` }));

  async function onSubmit(event) {
    event.preventDefault();
    alert.textContent = '';
    try {
      const members = boxes.filter((box) => box.checked).map((box) => Number(box.value));
      const { group } = await api.createGroup(name.value.trim(), members);
      await sync.refreshList();
      navigate(`/chat/${group.id}`);
    } catch (error) {
      alert.textContent = errorText(error, 'groups');
    }
  }

  async function onJoin(event) {
    event.preventDefault();
    joinAlert.textContent = '';
    try {
      const { group } = await api.joinGroup(code.value.trim());
      await sync.refreshList();
      navigate(`/chat/${group.id}`);
    } catch (error) {
      joinAlert.textContent = errorText(error, 'join');
    }
  }

  container.replaceChildren(h('section', { className: 'settings', 'aria-labelledby': 'new-group-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate('/'); } }, '←'),
      h('h2', { id: 'new-group-title' }, t('new_group'))),
    h('form', { className: 'settings-body', onSubmit },
      h('label', { for: 'group-name' }, t('group_name')), name,
      h('fieldset', {}, h('legend', {}, t('pick_friends')),
        friends.length ? h('ul', { className: 'pick-friends' }, friends.map((f, i) => h('li', {},
          boxes[i], ' ', h('label', { for: `pick-${f.user_id}` }, users.name(f.user_id)))))
          : h('p', { className: 'muted' }, t('no_friends_yet'))),
      alert,
      h('button', { type: 'submit', className: 'primary' }, t('create_group'))),
    h('form', { className: 'settings-body join-group', onSubmit: onJoin },
      h('h3', {}, t('join_with_code')),
      h('label', { for: 'join-code' }, t('invite_code')), code,
      joinAlert,
      h('button', { type: 'submit' }, t('join')))));
  name.focus();
  return () => {};
}
