// settings_screen: language (persisted, applies at once), change password, the devices logged
// in to this account with a revoke button each, and log out. onLoggedOut() is called after the
// server revoked this device's token (or it was already invalid).
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatDate } from '../format.js';
import { LANGUAGES, language, setLanguage, t } from '../i18n.js';

export function mountSettingsScreen(container, { api, session, navigate, onLoggedOut }) {
  const sessionsList = h('ul', { className: 'sessions' });
  const sessionsAlert = h('p', { className: 'form-error', role: 'alert' });
  const oldPassword = h('input', { id: 'old-password', type: 'password', autocomplete: 'current-password', required: true });
  const newPassword = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
  const passwordStatus = h('p', { className: 'form-status', role: 'status' });
  const languageSelect = h('select', { id: 'language', onChange: () => setLanguage(languageSelect.value) },
    Object.entries(LANGUAGES).map(([code, lang]) => h('option', { value: code, selected: code === language() }, lang.name)));

  async function loadSessions() {
    try {
      const { sessions } = await api.sessions();
      sessionsList.replaceChildren(...sessions.map((s) => h('li', {},
        h('span', {}, s.device || '—', s.current ? ` (${t('this_device')})` : ''),
        h('span', { className: 'muted' }, t('created', { date: formatDate(s.created_at) })),
        !s.current && h('button', { type: 'button', onClick: () => revoke(s.id) }, t('revoke')))));
    } catch (error) {
      sessionsAlert.textContent = errorText(error);
    }
  }

  async function revoke(id) {
    try {
      await api.revokeSession(id);
      await loadSessions();
    } catch (error) {
      sessionsAlert.textContent = errorText(error);
    }
  }

  async function changePassword(event) {
    event.preventDefault();
    passwordStatus.textContent = '';
    try {
      await api.changePassword(oldPassword.value, newPassword.value);
      oldPassword.value = '';
      newPassword.value = '';
      passwordStatus.textContent = t('password_changed');
      await loadSessions();
    } catch (error) {
      passwordStatus.textContent = errorText(error);
    }
  }

  async function logOut() {
    try {
      await api.logout();
    } catch { /* an invalid token is logged out already */ }
    onLoggedOut();
  }

  container.replaceChildren(h('section', { className: 'settings', 'aria-labelledby': 'settings-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate('/'); } }, '←'),
      h('h2', { id: 'settings-title' }, t('settings'))),
    h('div', { className: 'settings-body' },
      h('p', {}, t('signed_in_as', { name: `${session.user.display_name} (@${session.user.username})` })),
      h('label', { for: 'language' }, t('language')), languageSelect,
      h('h3', {}, t('change_password')),
      h('form', { className: 'stack', onSubmit: changePassword },
        h('label', { for: 'old-password' }, t('old_password')), oldPassword,
        h('label', { for: 'new-password' }, t('new_password')), newPassword,
        h('button', { type: 'submit' }, t('change_password')), passwordStatus),
      h('h3', {}, t('sessions')), sessionsAlert, sessionsList,
      h('button', { type: 'button', className: 'danger', onClick: logOut }, t('log_out')))));
  loadSessions();
  languageSelect.focus();
  return () => {};
}
