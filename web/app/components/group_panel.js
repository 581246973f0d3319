// group_panel: the info panel of a group chat: name and topic (editable by owner and admins),
// members with roles, and only the actions the caller's role allows (docs/protocol.md
// "Authorization"): owner and admins add friends, remove and mute members (admins: not the
// owner or other admins), make invite codes and switch the group public or private; the owner
// also changes roles, transfers ownership and deletes the group. Removing, transferring and
// deleting ask first, naming the member and the group (confirm_step.js); everyone but the owner (unless alone) may leave. Owner and
// admins also see who asks to join (a public group's join requests) and approve or decline
// each. refresh() reloads from GET /groups/{id} (and, for them, GET /groups/{id}/requests);
// errors show with their code's sentence. Each member's actions sit behind one "⋯" menu
// (a details element), so a row is a name and a role, also on the narrowest phone. Everyone but
// the owner may report the group to the server admins (group_report.js). onLeft() runs once the group is gone for me; the
// header's back arrow (shown on a phone, where the panel covers the chat) calls onClose().
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { confirmStep } from './confirm_step.js';
import { createGroupReport } from './group_report.js';
import { createInviteBox } from './invite_box.js';

const MUTE_MS = 3600000;

export function createGroupPanel({ api, social, users, session, groupId, onLeft, onClose }) {
  const myId = session.user.id;
  const body = h('div', { className: 'group-panel-body' });
  const element = h('aside', { className: 'group-panel', 'aria-labelledby': 'group-panel-title' },
    h('header', { className: 'pane-header' },
      h('button', { type: 'button', className: 'icon-button back', 'aria-label': t('back_to_chat'), title: t('back_to_chat'), onClick: () => onClose() }, '←'),
      h('h3', { id: 'group-panel-title' }, t('group_info'))),
    body);
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const invite = createInviteBox({ api, groupId });
  const reporter = createGroupReport({ api, groupId });
  let info = null;
  let requests = []; // pending join requests, for owner and admins

  async function act(action) {
    alert.textContent = '';
    try {
      await action();
      await refresh();
    } catch (error) {
      alert.textContent = errorText(error, 'groups');
    }
  }

  const button = (label, action, className = '') => h('button', { type: 'button', className, onClick: () => act(action) }, label);

  function fieldForm(id, label, value, save, placeholder = label) {
    const input = h('input', { id, value, placeholder, 'aria-label': label });
    return h('form', { onSubmit: (event) => { event.preventDefault(); act(() => save(input.value.trim())); } },
      input, h('button', { type: 'submit' }, label));
  }

  function canManage(me, member) {
    if (member.user_id === myId || member.role === 'owner') return false;
    return me === 'owner' || (me === 'admin' && member.role === 'member');
  }

  // A button that asks first, naming the member and the group (confirm_step.js); the open
  // question (`${label}:${id}`) survives the panel's refreshes.
  let askingKey = null;
  let openMenuOf = null; // the member whose "⋯" menu is open, kept across refreshes
  const asking = (label, id, question, onConfirm, className) => confirmStep({
    label, question, className, onConfirm, asking: askingKey === `${label}:${id}`,
    onAsking: (open) => { askingKey = open ? `${label}:${id}` : null; },
  });

  function memberRow(me, member) {
    const name = users.name(member.user_id);
    const group = info.group.name;
    const manage = canManage(me, member);
    const muted = member.muted_until > Date.now();
    const actions = [
      me === 'owner' && member.user_id !== myId && member.role !== 'owner' && (member.role === 'admin'
          ? button(t('make_member'), () => api.setRole(groupId, member.user_id, 'member'))
          : button(t('make_admin'), () => api.setRole(groupId, member.user_id, 'admin'))),
        manage && (muted
          ? button(t('unmute_member'), () => api.unmute(groupId, member.user_id))
          : button(t('mute_member'), () => api.mute(groupId, member.user_id, Date.now() + MUTE_MS))),
        manage && asking(t('remove_member'), member.user_id, t('confirm_remove_member', { name, group }),
          () => act(() => api.removeMember(groupId, member.user_id)), 'danger'),
        me === 'owner' && member.user_id !== myId && asking(t('transfer_ownership'), member.user_id, t('confirm_transfer', { name, group }),
          () => act(() => api.transferOwnership(groupId, member.user_id)), 'transfer'),
    ].filter(Boolean);
    return h('li', { className: 'person', 'data-user-id': member.user_id },
      h('span', { className: 'person-text' },
        h('span', { className: 'person-name' }, name),
        h('span', { className: 'muted role' }, [t(`role_${member.role}`), muted && t('muted')].filter(Boolean).join(' · '))),
      actions.length > 0 && h('details', {
        className: 'member-menu', open: openMenuOf === member.user_id,
        onToggle: (event) => {
          if (event.target.open) openMenuOf = member.user_id;
          else if (openMenuOf === member.user_id) openMenuOf = null;
        },
      },
      h('summary', { className: 'icon-button', 'aria-label': t('member_actions', { name }), title: t('member_actions', { name }) }, '⋯'),
      h('span', { className: 'person-actions' }, ...actions)));
  }

  async function leaveOrDelete(action) {
    try { await action(); onLeft(); } catch (error) { alert.textContent = errorText(error, 'groups'); }
  }


  function render() {
    if (!info) return;
    const { group, members } = info;
    const me = group.my_role;
    const admin = me === 'owner' || me === 'admin';
    const memberIds = new Set(members.map((m) => m.user_id));
    const addable = social.friends().filter((f) => !memberIds.has(f.user_id));
    const pick = h('select', { id: 'add-member', 'aria-label': t('add_members') },
      addable.map((f) => h('option', { value: f.user_id }, users.name(f.user_id))));
    body.replaceChildren(h('div', {},
      h('p', { className: 'group-name' }, group.name),
      group.topic && h('p', { className: 'muted group-topic' }, group.topic),
      alert,
      admin && fieldForm('group-rename', t('rename'), group.name, (name) => api.updateGroup(groupId, { name })),
      admin && fieldForm('group-topic', t('set_topic'), group.topic ?? '', (topic) => api.updateGroup(groupId, { topic }), t('topic')),
      admin && addable.length > 0 && h('form', {
        onSubmit: (event) => { event.preventDefault(); act(() => api.addMembers(groupId, [Number(pick.value)])); },
      }, pick, h('button', { type: 'submit' }, t('add_members'))),
      admin && h('label', { className: 'toggle' },
        h('input', { type: 'checkbox', id: 'group-public', checked: Boolean(group.is_public),
          onChange: (event) => act(() => api.updateGroup(groupId, { is_public: event.target.checked })) }),
        ' ', t('public_group')),
      admin && invite.element,
      admin && requests.length > 0 && h('section', { className: 'join-requests', 'aria-labelledby': 'join-requests-title' },
        h('h4', { id: 'join-requests-title' }, t('join_requests', { count: requests.length })),
        h('ul', { className: 'people' }, requests.map((request) => h('li', { className: 'person', 'data-user-id': request.user_id },
          h('span', { className: 'person-text' }, h('span', { className: 'person-name' }, users.name(request.user_id))),
          h('span', { className: 'person-actions request-actions' },
            button(t('approve'), () => api.answerJoinRequest(groupId, request.user_id, true), 'primary'),
            button(t('decline'), () => api.answerJoinRequest(groupId, request.user_id, false))))))),
      h('h4', {}, t('members', { count: group.member_count })),
      h('ul', { className: 'people members' }, members.map((m) => memberRow(me, m))),
      (me !== 'owner' || group.member_count === 1) && h('button', {
        type: 'button', className: 'danger leave', onClick: () => leaveOrDelete(() => api.removeMember(groupId, myId)),
      }, t('leave_group')),
      me !== 'owner' && reporter.element,
      me === 'owner' && h('div', { className: 'delete-controls' }, asking(t('delete_group'), groupId,
        t('delete_group_confirm', { group: group.name }), () => leaveOrDelete(() => api.deleteGroup(groupId)), 'danger delete-group'))));
  }

  async function refresh() {
    try {
      info = await api.group(groupId);
      const admin = info.group.my_role === 'owner' || info.group.my_role === 'admin';
      requests = admin ? (await api.joinRequests(groupId)).requests : [];
      render();
    } catch (error) {
      alert.textContent = errorText(error, 'groups');
      body.replaceChildren(alert);
    }
  }

  return { element, refresh, render };
}
