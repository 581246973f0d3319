// two_step_settings: Settings > Security, two-step sign-in (docs/protocol.md, "Two-step
// sign-in"). Off: "Turn on" asks for the password, then shows the QR code of the otpauth://
// URI (drawn as SVG rects by the vendored qrcode-generator, never from an HTML string) and the
// secret as text to type, and a code field to confirm. On confirmation, and on "New recovery
// codes", the recovery codes are shown once with Copy and Download. On: "Turn off" asks for the
// password and a code. createTwoStepSettings(api, {hasPassword}) returns the section's element;
// without a password (current_password.js) those forms ask for no password.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { currentPasswordField } from './current_password.js';
import qrcode from '../vendor/qrcode.js';

const SVG = 'http://www.w3.org/2000/svg';

// The QR code of `text` as an SVG of dark modules, 4 modules of quiet zone.
function qrSvg(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 8;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'qr-code');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('two_step_qr_label'));
  const background = document.createElementNS(SVG, 'rect');
  for (const [name, value] of Object.entries({ width: size, height: size, fill: '#fff' })) background.setAttribute(name, value);
  svg.append(background);
  let path = '';
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
  }
  const modules = document.createElementNS(SVG, 'path');
  modules.setAttribute('d', path);
  modules.setAttribute('fill', '#000');
  svg.append(modules);
  return svg;
}

// "ABCDEFGH..." as groups of four, easier to type.
const grouped = (secret) => secret.replace(/(.{4})/g, '$1 ').trim();

export function createTwoStepSettings(api, { hasPassword = true } = {}) {
  const state = h('p', { className: 'two-step-state' });
  const status = h('p', { className: 'form-status', role: 'status' });
  const body = h('div', { className: 'two-step-body' });
  const element = h('section', { className: 'two-step', 'aria-labelledby': 'two-step-title' },
    h('h4', { id: 'two-step-title' }, t('two_step_title')), state, body, status);

  async function run(action, context = 'two_step') {
    status.textContent = '';
    try {
      await action();
    } catch (error) {
      status.textContent = errorText(error, context);
    }
  }

  function codeField(id) {
    return h('input', { id, inputmode: 'text', autocomplete: 'one-time-code', required: true, maxlength: 64, autocapitalize: 'none' });
  }

  function showRecoveryCodes(codes) {
    state.textContent = t('two_step_on');
    const text = `${codes.join('\n')}\n`;
    const copy = h('button', { type: 'button', onClick: async () => {
      await navigator.clipboard.writeText(text).then(() => { status.textContent = t('two_step_codes_copied'); }, () => {});
    } }, t('copy'));
    const download = h('a', {
      className: 'button-like', download: 'parley-recovery-codes.txt',
      href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })),
    }, t('two_step_download'));
    body.replaceChildren(
      h('p', {}, t('two_step_codes_intro')),
      h('ol', { className: 'recovery-codes' }, codes.map((code) => h('li', {}, h('code', {}, code)))),
      h('div', { className: 'row' }, copy, download,
        h('button', { type: 'button', className: 'primary', onClick: () => load() }, t('two_step_codes_done'))));
  }

  function showOff() {
    const password = currentPasswordField('two-step-password', hasPassword);
    body.replaceChildren(h('form', { className: 'stack', onSubmit: (event) => {
      event.preventDefault();
      run(async () => showEnrolment(await api.startTwoStep(password.value())));
    } },
    password.label, password.input,
    h('button', { type: 'submit' }, t('two_step_turn_on'))));
  }

  function showEnrolment({ secret, uri }) {
    const code = codeField('two-step-confirm-code');
    body.replaceChildren(
      h('p', {}, t('two_step_scan')),
      qrSvg(uri),
      h('p', {}, t('two_step_type_secret')),
      h('p', {}, h('code', { className: 'two-step-secret' }, grouped(secret))),
      h('form', { className: 'stack', onSubmit: (event) => {
        event.preventDefault();
        run(async () => showRecoveryCodes((await api.confirmTwoStep(code.value.trim())).recovery_codes));
      } },
      h('label', { for: 'two-step-confirm-code' }, t('two_step_app_code')), code,
      h('button', { type: 'submit', className: 'primary' }, t('two_step_confirm'))));
    code.focus();
  }

  function showOn(codesLeft) {
    const password = currentPasswordField('two-step-off-password', hasPassword);
    const offCode = codeField('two-step-off-code');
    const newCode = codeField('two-step-new-codes-code');
    body.replaceChildren(
      h('p', {}, t('two_step_codes_left', { count: codesLeft })),
      h('form', { className: 'stack', onSubmit: (event) => {
        event.preventDefault();
        run(async () => showRecoveryCodes((await api.newRecoveryCodes(newCode.value.trim())).recovery_codes));
      } },
      h('label', { for: 'two-step-new-codes-code' }, t('two_step_code')), newCode,
      h('button', { type: 'submit' }, t('two_step_new_codes'))),
      h('form', { className: 'stack', onSubmit: (event) => {
        event.preventDefault();
        run(async () => {
          await api.disableTwoStep(password.value(), offCode.value.trim());
          await load();
          status.textContent = t('two_step_turned_off');
        });
      } },
      password.label, password.input,
      h('label', { for: 'two-step-off-code' }, t('two_step_code')), offCode,
      h('button', { type: 'submit', className: 'danger' }, t('two_step_turn_off'))));
  }

  async function load() {
    await run(async () => {
      const { enabled, recovery_codes_left: left } = await api.twoStep();
      state.textContent = t(enabled ? 'two_step_on' : hasPassword ? 'two_step_off' : 'two_step_off_no_password');
      if (enabled) showOn(left);
      else showOff();
    });
  }

  load();
  return element;
}
