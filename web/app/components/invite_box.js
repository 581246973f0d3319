// invite_box: the "Invite link" part of the group panel (owner and admins): a button that makes
// a new invite code (POST /groups/{id}/invites) and then shows it, read-only, with a copy
// button. The element keeps the last code across panel re-renders; errors show with their
// code's sentence.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

export function createInviteBox({ api, groupId }) {
  const code = h('input', { className: 'invite-code', readonly: true, 'aria-label': t('invite_code') });
  const status = h('p', { className: 'form-status', role: 'status' });
  const shown = h('div', { className: 'invite-shown', hidden: true }, code,
    h('button', { type: 'button', className: 'copy-invite', onClick: copy }, t('copy')));

  async function make() {
    status.textContent = '';
    try {
      const { invite } = await api.createInvite(groupId);
      code.value = invite.code;
      shown.hidden = false;
    } catch (error) {
      status.textContent = errorText(error, 'groups');
    }
  }

  // The clipboard may be refused (no permission, page not focused): then the code is selected.
  async function copy() {
    try {
      await navigator.clipboard.writeText(code.value);
      status.textContent = t('copied');
    } catch {
      code.select();
    }
  }

  const element = h('div', { className: 'invite-box' },
    h('button', { type: 'button', className: 'make-invite', onClick: make }, t('invite_link')), shown, status);
  return { element };
}
