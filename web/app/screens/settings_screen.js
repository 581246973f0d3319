// settings_screen: my profile (display name, status line, time zone; saved with PATCH
// /account/profile, then onProfile(user)), my picture (an image uploaded like any media, with a
// progress bar, then set as the profile's `avatar` media id; Remove sets ""), language (persisted, applies at once and is
// saved to the profile), this device's notifications (desktop ones while the app is open:
// notification_settings.js; push ones while it is closed: push_setting.js; permission is
// asked only when a toggle is turned on, and both follow the browser blocking them), security
// (two-step sign-in: two_step_settings.js; linked accounts: linked_accounts.js), change
// password, the e-mail address (for an account without a password — GET /account's
// has_password — "Set a password" and no password fields, after a proof of identity:
// identity_confirmation.js), the devices logged in to this account
// with a revoke button each, my data (download it, delete the account:
// account_data_settings.js), a link to the admin page (server admins only), and log out. onLoggedOut() is called after the
// server revoked this device's token (or it was already invalid).
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatDate, timeZone } from '../format.js';
import { LANGUAGES, language, setLanguage, t } from '../i18n.js';
import { createUploads } from '../uploads.js';
import { avatar } from '../components/avatar.js';
import { createNotificationSettings } from '../components/notification_settings.js';
import { createDeliverySettings } from '../components/delivery_settings.js';
import { createPushSetting } from '../components/push_setting.js';
import { createTwoStepSettings } from '../components/two_step_settings.js';
import { createAccountDataSettings } from '../components/account_data_settings.js';
import { createLinkedAccounts } from '../components/linked_accounts.js';
import { currentPasswordField } from '../components/current_password.js';
import { createIdentityConfirmation } from '../components/identity_confirmation.js';
import { saveLanguage } from '../profile_language.js';

// The picture: shown from the profile, replaced by an upload, removed with "".
function createAvatarPicker({ api, media, users, me, onProfile }) {
  const preview = h('span', { className: 'avatar-preview' });
  const status = h('p', { className: 'form-status', role: 'status' });
  const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('avatar') });
  const uploads = createUploads({ api, onDone: (item, mediaObject) => save(mediaObject.id) });
  const input = h('input', {
    id: 'profile-avatar', type: 'file', accept: 'image/jpeg,image/png,image/webp,image/gif', className: 'visually-hidden',
    onChange: () => {
      const [file] = input.files;
      input.value = '';
      if (file) {
        status.textContent = '';
        uploads.add({ file, kind: 'image', target: {} });
      }
    },
  });
  const remove = h('button', { type: 'button', className: 'avatar-remove', onClick: () => save('') }, t('remove_avatar'));
  const element = h('div', { className: 'avatar-picker' }, preview,
    h('label', { for: 'profile-avatar', className: 'button-like' }, t('choose_avatar')), input, remove, progress, status);

  function show() {
    const user = users.get(me.id) ?? me;
    preview.replaceChildren(avatar(users.name(me.id), me.id, 'large', { cache: media, id: user.avatar }));
    remove.hidden = !user.avatar;
  }

  async function save(id) {
    try {
      const { user } = await api.updateProfile({ avatar: id });
      onProfile(user);
      status.textContent = t('avatar_saved');
    } catch (error) {
      status.textContent = errorText(error, 'media');
    }
    show();
  }

  uploads.subscribe(() => {
    const [item] = uploads.forTarget({});
    progress.hidden = !item || item.state.phase === 'failed';
    if (item) progress.value = Math.round(item.progress() * 100);
    if (item?.state.phase === 'failed') {
      status.textContent = errorText({ code: item.state.error }, 'media');
      uploads.dismiss(item.key);
    }
  });
  show();
  return { element, refresh: show };
}

export function mountSettingsScreen(container, { api, session, users, media, navigate, onLoggedOut, onProfile }) {
  const sessionsList = h('ul', { className: 'sessions' });
  const sessionsAlert = h('p', { className: 'form-error', role: 'alert' });
  const newPassword = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
  const passwordStatus = h('p', { className: 'form-status', role: 'status' });
  const languageSelect = h('select', { id: 'language', onChange: changeLanguage },
    Object.entries(LANGUAGES).map(([code, lang]) => h('option', { value: code, selected: code === language() }, lang.name)));

  const me = session.user;
  const profileFields = {
    display_name: h('input', { id: 'profile-display-name', value: me.display_name ?? '', maxlength: 64, required: true }),
    status_line: h('input', { id: 'profile-status', value: me.status_line ?? '', maxlength: 140 }),
    time_zone: h('input', { id: 'profile-time-zone', value: me.time_zone ?? '', list: 'time-zones', placeholder: timeZone() }),
  };
  const profileStatus = h('p', { className: 'form-status', role: 'status' });
  const picker = createAvatarPicker({ api, media, users, me, onProfile });
  const signedInAs = h('p', {});
  const showSignedInAs = () => { signedInAs.textContent = t('signed_in_as', { name: `${users.name(me.id)} (@${me.username})` }); };

  async function saveProfile(fields) {
    profileStatus.textContent = '';
    try {
      const { user } = await api.updateProfile(fields);
      onProfile(user);
      profileStatus.textContent = t('profile_saved');
    } catch (error) {
      profileStatus.textContent = errorText(error, 'profile');
    }
  }

  function onSaveProfile(event) {
    event.preventDefault();
    saveProfile(Object.fromEntries(Object.entries(profileFields).map(([key, input]) => [key, input.value.trim()])));
  }

  function changeLanguage() {
    const code = languageSelect.value;
    saveLanguage(api, onProfile, code);
    setLanguage(code);
  }

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

  // Set with the current password, or, for an account without one, after a fresh proof of
  // identity (identity_confirmation.js): then it is "Set a password", with no old one.
  let oldPassword = null;
  let hasPassword = true;
  async function changePassword(event) {
    event.preventDefault();
    passwordStatus.textContent = '';
    try {
      await api.changePassword(oldPassword.value(), newPassword.value);
      if (oldPassword.input) oldPassword.input.value = '';
      newPassword.value = '';
      if (!hasPassword) {
        renderSecurity(true);
        passwordStatus.textContent = t('password_set');
      } else {
        passwordStatus.textContent = t('password_changed');
      }
      await loadSessions();
    } catch (error) {
      passwordStatus.textContent = errorText(error, 'password');
    }
  }

  // E-mail: set, change or remove it with the current password; a new address is verified by
  // the link mailed to it (recovery_screen.js), and only a verified one can reset the password.
  const emailInput = h('input', { id: 'email-address', type: 'email', maxlength: 254, autocomplete: 'email' });
  let emailPassword = null;
  const emailState = h('p', { className: 'email-state' });
  const emailStatus = h('p', { className: 'form-status', role: 'status' });
  function showEmail({ email, verified }) {
    emailInput.value = email ?? '';
    emailState.textContent = !email ? t('email_none') : t(verified ? 'email_verified_state' : 'email_unverified_state', { email });
  }
  async function loadEmail() {
    try {
      showEmail(await api.email());
    } catch (error) {
      emailStatus.textContent = errorText(error);
    }
  }
  async function saveEmail(address) {
    emailStatus.textContent = '';
    try {
      const state = await api.setEmail(address, emailPassword.value());
      if (emailPassword.input) emailPassword.input.value = '';
      showEmail(state);
      emailStatus.textContent = t(!state.email ? 'email_removed' : state.verified ? 'email_saved' : 'email_check_inbox');
    } catch (error) {
      emailStatus.textContent = errorText(error, 'email');
    }
  }

  // Security and My data: what they ask depends on whether the account has a password.
  const security = h('div', { className: 'settings-part' });
  const accountData = h('div', { className: 'settings-part' });
  function renderSecurity(withPassword) {
    hasPassword = withPassword;
    oldPassword = currentPasswordField('old-password', hasPassword);
    emailPassword = currentPasswordField('email-password', hasPassword);
    const passwordTitle = t(hasPassword ? 'change_password' : 'set_password');
    security.replaceChildren(...[
      hasPassword ? null : createIdentityConfirmation(api),
      createTwoStepSettings(api, { hasPassword }),
      createLinkedAccounts(api),
      h('h3', {}, passwordTitle),
      h('form', { className: 'stack', onSubmit: changePassword },
        !hasPassword && h('p', {}, t('set_password_intro')),
        oldPassword.label, oldPassword.input,
        h('label', { for: 'new-password' }, t('new_password')), newPassword,
        h('button', { type: 'submit' }, passwordTitle), passwordStatus),
      h('h3', {}, t('email')), emailState,
      h('form', { className: 'stack email-form', onSubmit: (event) => { event.preventDefault(); saveEmail(emailInput.value.trim()); } },
        h('label', { for: 'email-address' }, t('email_address')), emailInput,
        emailPassword.label, emailPassword.input,
        h('div', { className: 'row' },
          h('button', { type: 'submit' }, t('save_email')),
          h('button', { type: 'button', onClick: () => { if (emailPassword.valid()) saveEmail(''); } }, t('remove_email'))),
        emailStatus),
    ].filter(Boolean));
    accountData.replaceChildren(createAccountDataSettings({ api, onDeleted: onLoggedOut, hasPassword }));
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
      signedInAs,
      me.is_admin && h('p', {}, h('a', { href: '/admin', className: 'admin-link',
        onClick: (event) => { event.preventDefault(); navigate('/admin'); } }, t('admin_title'))),
      h('label', { for: 'language' }, t('language')), languageSelect,
      h('h3', {}, t('notifications')), createNotificationSettings(),
      createPushSetting(api),
      createDeliverySettings(api),
      h('h3', {}, t('profile')),
      h('span', { className: 'label' }, t('avatar')), picker.element,
      h('form', { className: 'profile-form', onSubmit: onSaveProfile },
        h('label', { for: 'profile-display-name' }, t('profile_display_name')), profileFields.display_name,
        h('label', { for: 'profile-status' }, t('status_line')), profileFields.status_line,
        h('label', { for: 'profile-time-zone' }, t('time_zone')), profileFields.time_zone,
        h('datalist', { id: 'time-zones' }, Intl.supportedValuesOf('timeZone').map((zone) => h('option', { value: zone }))),
        h('button', { type: 'submit' }, t('save_profile')), profileStatus),
      h('h3', {}, t('security')), security,
      h('h3', {}, t('sessions')), sessionsAlert, sessionsList,
      accountData,
      h('button', { type: 'button', className: 'danger', onClick: logOut }, t('log_out')))));
  showSignedInAs();
  security.replaceChildren(h('p', { className: 'placeholder' }, t('loading')));
  api.account().then(({ has_password: withPassword }) => renderSecurity(withPassword !== false),
    () => renderSecurity(true)); // the server asks again in any case
  loadSessions();
  loadEmail();
  languageSelect.focus();
  return users.subscribe(() => {
    showSignedInAs();
    picker.refresh();
  });
}
