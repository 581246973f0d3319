// auth_screen: log in and register (mode 'login' | 'register'). On success it calls
// onLoggedIn({token, device_id, user}); registering logs in right after. Errors are shown in
// an alert region next to the form. The login form links to "Forgot password?"
// (recovery_screen.js). When the account has two-step sign-in on, the login answers a
// challenge and the form becomes its second step: a code from the authenticator app or a
// recovery code (docs/protocol.md, "Two-step sign-in"; second_step_form.js); "Back" returns to
// the password. The login form also offers "Sign in with ..." per OpenID Connect provider
// (oidc_buttons.js), and `oidcError` (the REASON of a `#oidc-error=REASON` the server sent the
// browser back with) is shown as a sentence above the form.
import { deviceName } from '../device_name.js';
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { createOidcButtons, oidcErrorText } from '../components/oidc_buttons.js';
import { secondStepForm } from '../components/second_step_form.js';

export function mountAuthScreen(container, { api, mode, onLoggedIn, navigate, oidcError = null }) {
  const isRegister = mode === 'register';
  const username = h('input', { id: 'auth-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const password = h('input', { id: 'auth-password', name: 'password', type: 'password', required: true, minlength: 8, autocomplete: isRegister ? 'new-password' : 'current-password' });
  const displayName = h('input', { id: 'auth-display-name', name: 'display_name', autocomplete: 'nickname' });
  const alert = h('p', { className: 'form-error', role: 'alert' }, oidcError === null ? '' : oidcErrorText(oidcError));
  const submit = h('button', { type: 'submit', className: 'primary' }, t(isRegister ? 'register' : 'log_in'));

  async function onSubmit(event) {
    event.preventDefault();
    alert.textContent = '';
    submit.disabled = true;
    try {
      if (isRegister) await api.register(username.value.trim(), password.value, displayName.value.trim());
      const login = await api.login(username.value.trim(), password.value, deviceName());
      if (login.second_factor) {
        submit.disabled = false;
        showSecondStep(login.challenge);
        return;
      }
      onLoggedIn({ token: login.token, device_id: login.device_id, user: login.user });
    } catch (error) {
      alert.textContent = errorText(error);
      submit.disabled = false;
    }
  }

  function showSecondStep(challenge) {
    const step = secondStepForm({ api, challenge, onLoggedIn, onBack: showForm });
    container.replaceChildren(step.element);
    step.focus();
  }

  const showForm = () => container.replaceChildren(form);
  const form = h('main', { className: 'auth' },
    h('form', { className: 'card', onSubmit, 'aria-labelledby': 'auth-title' },
      h('h1', { id: 'auth-title' }, t(isRegister ? 'register_title' : 'login_title')),
      h('label', { for: 'auth-username' }, t('username')), username,
      h('label', { for: 'auth-password' }, t('password')), password,
      isRegister && [h('label', { for: 'auth-display-name' }, t('display_name')), displayName],
      alert,
      submit,
      !isRegister && createOidcButtons(api),
      !isRegister && h('a', {
        href: '/forgot-password', className: 'forgot-password',
        onClick: (event) => { event.preventDefault(); navigate('/forgot-password'); },
      }, t('forgot_password')),
      h('a', {
        href: isRegister ? '/login' : '/register',
        onClick: (event) => { event.preventDefault(); navigate(isRegister ? '/login' : '/register'); },
      }, t(isRegister ? 'have_account' : 'need_account'))));
  showForm();
  username.focus();
  return () => {};
}
