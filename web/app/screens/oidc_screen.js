// oidc_screen: back from an OpenID Connect provider with a ticket (oidc_return.js;
// docs/protocol.md, "Signing in with OpenID Connect"). mountOidcScreen(container, {api, ticket,
// onLoggedIn, navigate}) calls POST /api/v1/auth/oidc/finish at once:
// - an identity linked to an account: signed in (onLoggedIn), or the account's second step
//   (second_step_form.js) when it has two-step sign-in on;
// - an identity not linked yet: a choice of (a) a new account, with a username to choose
//   (the provider's suggestion filled in; POST .../accounts) or (b) an existing account, by its
//   username and password (POST .../link, then its second step if it asks for one);
// - a ticket unknown, used or expired: a sentence and the way back to the login screen.
// Every refusal is a sentence (errors.js contexts oidc_finish, oidc_account, oidc_link).
import { deviceName } from '../device_name.js';
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { secondStepForm } from '../components/second_step_form.js';

// Usernames: 3 to 32 of A-Z a-z 0-9 _ . -, starting with a letter or digit (docs/protocol.md);
// the server decides, this only says so before asking it.
const USERNAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9_.\\-]{2,31}';

function card(...children) {
  return h('main', { className: 'auth' }, h('div', { className: 'card oidc-card' }, ...children));
}

function backToLogin(navigate) {
  return h('a', { href: '/login', onClick: (event) => { event.preventDefault(); navigate('/login'); } }, t('back_to_login'));
}

// A form whose submit runs `action`; a refusal is shown in its alert as errorText(context).
function actionForm({ className, fields, submitLabel, context, action }) {
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', className: 'primary' }, submitLabel);
  const form = h('form', { className: `stack ${className}`, onSubmit }, ...fields, alert, submit);
  async function onSubmit(event) {
    event.preventDefault();
    alert.textContent = '';
    submit.disabled = true;
    try {
      await action();
    } catch (error) {
      alert.textContent = errorText(error, context(error));
    }
    submit.disabled = false;
  }
  return form;
}

export function mountOidcScreen(container, { api, ticket, onLoggedIn, navigate }) {
  let gone = false;
  const device = deviceName();

  // A login answer: `201` (signed in) or `202` (the second step).
  function signIn(login) {
    if (gone) return;
    if (!login.second_factor) {
      onLoggedIn({ token: login.token, device_id: login.device_id, user: login.user });
      return;
    }
    const step = secondStepForm({ api, challenge: login.challenge, onLoggedIn, onBack: () => navigate('/login') });
    container.replaceChildren(step.element);
    step.focus();
  }

  function showChoice({ provider, suggested_username: suggested, display_name: name, expires_at: expiresAt }) {
    // A `401` from link means a wrong password, or this ticket's end (it lives 10 minutes).
    const expired = () => Date.now() >= expiresAt;
    const ticketContext = (context) => (error) => (error.code === 'unauthenticated' && expired() ? 'oidc_finish' : context);
    const newUsername = h('input', { id: 'oidc-username', name: 'username', value: suggested || '', required: true, minlength: 3, maxlength: 32, pattern: USERNAME_PATTERN, autocomplete: 'username', autocapitalize: 'none', 'aria-describedby': 'oidc-username-hint' });
    const linkUsername = h('input', { id: 'oidc-link-username', name: 'username', required: true, maxlength: 254, autocomplete: 'username', autocapitalize: 'none' });
    const linkPassword = h('input', { id: 'oidc-link-password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
    const create = actionForm({
      className: 'oidc-new-account',
      fields: [h('label', { for: 'oidc-username' }, t('oidc_choose_username')), newUsername,
        h('p', { id: 'oidc-username-hint', className: 'muted hint' }, t('oidc_username_hint'))],
      submitLabel: t('register'),
      context: ticketContext('oidc_account'),
      action: async () => signIn(await api.oidcCreateAccount(ticket, newUsername.value.trim(), device)),
    });
    const link = actionForm({
      className: 'oidc-link-account',
      fields: [h('label', { for: 'oidc-link-username' }, t('username')), linkUsername,
        h('label', { for: 'oidc-link-password' }, t('password')), linkPassword],
      submitLabel: t('oidc_link_button'),
      context: ticketContext('oidc_link'),
      action: async () => signIn(await api.oidcLink(ticket, linkUsername.value.trim(), linkPassword.value, device)),
    });
    container.replaceChildren(card(
      h('h1', { id: 'oidc-title' }, t('oidc_account_title')),
      h('p', {}, name ? t('oidc_account_intro_named', { name, provider }) : t('oidc_account_intro', { provider })),
      h('section', { 'aria-labelledby': 'oidc-new-title' }, h('h2', { id: 'oidc-new-title' }, t('oidc_new_account')), create),
      h('section', { 'aria-labelledby': 'oidc-link-title' },
        h('h2', { id: 'oidc-link-title' }, t('oidc_link_account')), h('p', { className: 'muted' }, t('oidc_link_intro', { provider })), link),
      backToLogin(navigate)));
    newUsername.focus();
  }

  function showFailure(error) {
    container.replaceChildren(card(
      h('h1', { id: 'oidc-title' }, t('oidc_failed_title')),
      h('p', { className: 'form-error', role: 'alert' }, errorText(error, 'oidc_finish')),
      backToLogin(navigate)));
  }

  container.replaceChildren(card(h('h1', { id: 'oidc-title' }, t('oidc_signing_in')), h('p', { role: 'status' }, t('loading'))));
  api.oidcFinish(ticket, device).then((answer) => {
    if (gone) return;
    if (answer.account_needed) showChoice(answer);
    else signIn(answer);
  }, (error) => { if (!gone) showFailure(error); });
  return () => { gone = true; };
}
