// account_data_settings: Settings > My data (docs/protocol.md, "Downloading my data" and
// "Deleting the account"). "Prepare my data" starts an export and shows its progress (polled
// once a second while it is prepared); when ready, "Download" fetches the zip with the session's
// token and saves it, until the export expires. "Delete my account" takes the password, a code
// when two-step sign-in is on, and a confirmation where it was clicked (confirm_step.js); after
// it, onDeleted() runs (the session is over). Without a password (hasPassword false:
// current_password.js) no password is asked. createAccountDataSettings({api, onDeleted, hasPassword})
// returns the section's element; polling stops once the element leaves the page.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatDate } from '../format.js';
import { t } from '../i18n.js';
import { confirmStep } from './confirm_step.js';
import { currentPasswordField } from './current_password.js';

const POLL_MS = 1000;

export function createAccountDataSettings({ api, onDeleted, hasPassword = true }) {
  const exportState = h('p', { className: 'export-state', role: 'status' });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': t('export_progress') });
  const exportActions = h('div', { className: 'row' });
  const exportStatus = h('p', { className: 'form-status', role: 'status' });

  const password = currentPasswordField('delete-password', hasPassword);
  const code = h('input', { id: 'delete-code', inputmode: 'text', autocomplete: 'one-time-code', maxlength: 64, autocapitalize: 'none' });
  const codeRow = h('div', { className: 'stack', hidden: true }, h('label', { for: 'delete-code' }, t('two_step_code')), code);
  const deleteStatus = h('p', { className: 'form-error', role: 'alert' });
  const form = h('form', { className: 'stack delete-account-form', onSubmit: (event) => event.preventDefault() },
    h('p', {}, t('delete_account_intro')),
    password.label, password.input, codeRow,
    confirmStep({ label: t('delete_account'), question: t('delete_account_confirm'), className: 'danger', onConfirm: deleteAccount }),
    deleteStatus);

  const element = h('section', { className: 'account-data', 'aria-labelledby': 'account-data-title' },
    h('h3', { id: 'account-data-title' }, t('my_data')),
    h('p', {}, t('export_intro')), exportState, progress, exportActions, exportStatus,
    h('h4', {}, t('delete_account')), form);

  let timer = 0;
  function poll() {
    clearTimeout(timer);
    timer = setTimeout(() => { if (element.isConnected) load(); }, POLL_MS);
  }

  function prepareButton() {
    return h('button', { type: 'button', onClick: start }, t('export_start'));
  }

  function show(state) {
    progress.hidden = true;
    exportActions.replaceChildren();
    if (!state) {
      exportState.textContent = '';
      exportActions.append(prepareButton());
      return;
    }
    if (state.state === 'queued' || state.state === 'running') {
      exportState.textContent = t('export_preparing', { done: state.items_done, total: state.items_total });
      progress.hidden = false;
      progress.value = state.items_total ? state.items_done / state.items_total : 0;
      poll();
    } else if (state.state === 'ready') {
      exportState.textContent = t('export_ready', { date: formatDate(state.expires_at) });
      exportActions.append(h('button', { type: 'button', className: 'primary', onClick: () => download(state.download_url) }, t('export_download')));
    } else {
      exportState.textContent = errorText(state.error, 'export');
      exportActions.append(prepareButton());
    }
  }

  async function load() {
    try {
      show(await api.exportState());
    } catch (error) {
      if (error.code === 'not_found') show(null);
      else exportStatus.textContent = errorText(error, 'export');
    }
  }

  async function start() {
    exportStatus.textContent = '';
    try {
      show(await api.startExport());
    } catch (error) {
      exportStatus.textContent = errorText(error, 'export');
    }
  }

  async function download(url) {
    exportStatus.textContent = '';
    try {
      const blob = await api.mediaBlob(url.replace(/^\/api\/v1/, ''));
      const link = h('a', { href: URL.createObjectURL(blob), download: 'parley-export.zip', hidden: true });
      element.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (error) {
      exportStatus.textContent = errorText(error, 'export');
    }
  }

  async function deleteAccount() {
    deleteStatus.textContent = '';
    if (!password.valid()) return;
    try {
      await api.deleteAccount(password.value(), code.value.trim());
      onDeleted();
    } catch (error) {
      deleteStatus.textContent = errorText(error, 'delete_account');
    }
  }

  api.twoStep().then(({ enabled }) => { codeRow.hidden = !enabled; }, () => {});
  load();
  return element;
}
