// recovery_screen: the pages reached without logging in from the login screen or a mailed link
// (docs/protocol.md, "E-mail and password reset"):
// - 'forgot_password': a username or e-mail address; the answer is the same whether or not
//   the account exists ("if it has a verified address, a link is on its way");
// - 'reset_password': /reset-password#CODE from the mail: a new password, twice;
// - 'verify_email': /verify-email#CODE from the mail: verified at once, logged in or not.
// The code is read from the fragment (never sent to a server) and then dropped from the
// address bar, so it stays out of the history. Errors are sentences (errors.js), never codes.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

function codeFromFragment() {
  const code = decodeURIComponent(location.hash.slice(1));
  if (code) history.replaceState(null, '', location.pathname);
  return code;
}

function page(titleKey, ...children) {
  return h('main', { className: 'auth' },
    h('div', { className: 'card' }, h('h1', { id: 'recovery-title' }, t(titleKey)), ...children));
}

function backToLogin(navigate, key = 'back_to_login') {
  return h('a', { href: '/login', onClick: (event) => { event.preventDefault(); navigate('/login'); } }, t(key));
}

function mountForgot(container, { api, navigate }) {
  const account = h('input', { id: 'recovery-account', name: 'account', required: true, maxlength: 254, autocomplete: 'username', autocapitalize: 'none' });
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', className: 'primary' }, t('send_reset_link'));
  const form = h('form', { className: 'stack', onSubmit },
    h('p', { className: 'muted' }, t('forgot_intro')),
    h('label', { for: 'recovery-account' }, t('username_or_email')), account, alert, submit);
  async function onSubmit(event) {
    event.preventDefault();
    alert.textContent = '';
    submit.disabled = true;
    try {
      await api.requestPasswordReset(account.value.trim());
      form.replaceWith(h('p', { role: 'status', className: 'recovery-done' }, t('reset_link_sent')));
    } catch (error) {
      alert.textContent = errorText(error, 'reset');
      submit.disabled = false;
    }
  }
  container.replaceChildren(page('forgot_title', form, backToLogin(navigate)));
  account.focus();
}

function mountReset(container, { api, navigate }) {
  const code = codeFromFragment();
  const password = h('input', { id: 'reset-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const again = h('input', { id: 'reset-password-again', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', className: 'primary' }, t('set_new_password'));
  const form = h('form', { className: 'stack', onSubmit },
    h('label', { for: 'reset-password' }, t('new_password')), password,
    h('label', { for: 'reset-password-again' }, t('new_password_again')), again, alert, submit);
  async function onSubmit(event) {
    event.preventDefault();
    alert.textContent = '';
    if (password.value !== again.value) {
      alert.textContent = t('passwords_differ');
      return;
    }
    submit.disabled = true;
    try {
      await api.resetPassword(code, password.value);
      form.replaceWith(h('p', { role: 'status', className: 'recovery-done' }, t('password_reset_done')));
    } catch (error) {
      alert.textContent = errorText(error, 'reset');
      submit.disabled = false;
    }
  }
  container.replaceChildren(page('reset_title', code ? form : h('p', { role: 'alert', className: 'form-error' }, t('error.reset.unauthenticated')),
    backToLogin(navigate)));
  if (code) password.focus();
}

function mountVerify(container, { api, navigate, loggedIn }) {
  const code = codeFromFragment();
  const status = h('p', { role: 'status' }, t('verifying_email'));
  const next = loggedIn
    ? h('a', { href: '/settings', onClick: (event) => { event.preventDefault(); navigate('/settings'); } }, t('to_settings'))
    : backToLogin(navigate, 'to_login');
  container.replaceChildren(page('verify_title', status, next));
  const verifying = code ? api.verifyEmail(code) : Promise.reject(Object.assign(new Error(), { code: 'unauthenticated' }));
  verifying.then(() => { status.textContent = t('email_verified'); })
    .catch((error) => {
      status.className = 'form-error';
      status.textContent = errorText(error, 'verify');
    });
}

export function mountRecoveryScreen(container, props) {
  if (props.mode === 'reset_password') mountReset(container, props);
  else if (props.mode === 'verify_email') mountVerify(container, props);
  else mountForgot(container, props);
  return () => {};
}
