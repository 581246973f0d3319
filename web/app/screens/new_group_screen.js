// new_group_screen: create a group (a name and friends to add, as checkboxes), join one with an
// invite code, or find a public group by name or topic (GET /groups/public) and ask to join it
// (its owner and admins approve; a group I am in opens). Creating or joining opens the group's
// chat; errors show with their code's sentence.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

export function mountNewGroupScreen(container, { api, social, users, sync, navigate }) {
  const name = h('input', { id: 'group-name', required: true, maxlength: 64 });
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const code = h('input', { id: 'join-code', required: true, autocapitalize: 'none', autocomplete: 'off' });
  const joinAlert = h('p', { className: 'form-error', role: 'alert' });
  const findAlert = h('p', { className: 'form-error', role: 'alert' });
  const findText = h('input', { id: 'find-group', type: 'search', maxlength: 64, autocomplete: 'off' });
  const found = h('ul', { className: 'people public-groups', 'aria-live': 'polite' });
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

  function publicGroup(group) {
    const status = h('span', { className: 'muted' });
    const ask = async (button) => {
      findAlert.textContent = '';
      try {
        await api.askToJoin(group.id);
        button.replaceWith(h('span', { className: 'muted asked' }, t('join_asked')));
      } catch (error) {
        findAlert.textContent = errorText(error, 'ask_to_join');
      }
    };
    let action;
    if (group.member) {
      action = h('button', { type: 'button', onClick: () => navigate(`/chat/${group.id}`) }, t('open_group'));
    } else if (group.requested) {
      action = h('span', { className: 'muted asked' }, t('join_asked'));
    } else {
      action = h('button', { type: 'button', className: 'primary', onClick: (event) => ask(event.currentTarget) }, t('ask_to_join'));
    }
    status.textContent = t('group_member_count', { count: group.member_count });
    return h('li', { className: 'person', 'data-group-id': group.id },
      h('span', { className: 'person-text' },
        h('span', { className: 'person-name' }, group.name),
        h('span', { className: 'muted' }, [group.topic, status.textContent].filter(Boolean).join(' · '))),
      action);
  }

  async function onFind(event) {
    event.preventDefault();
    findAlert.textContent = '';
    try {
      const { groups } = await api.publicGroups(findText.value.trim());
      found.replaceChildren(...(groups.length ? groups.map(publicGroup) : [h('li', { className: 'empty muted' }, t('no_public_groups'))]));
    } catch (error) {
      findAlert.textContent = errorText(error, 'find_groups');
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
      h('button', { type: 'submit' }, t('join'))),
    h('form', { className: 'settings-body find-groups', role: 'search', onSubmit: onFind },
      h('h3', {}, t('find_public_group')),
      h('label', { for: 'find-group' }, t('find_public_group_label')), findText,
      findAlert,
      h('button', { type: 'submit' }, t('find')),
      found)));
  name.focus();
  return () => {};
}
