// admin_screen: the server admins' page (/admin; the settings screen links to it for admins):
// the open reports, newest first, each with who reported whom, when and why, and the three
// ways to resolve it (docs/protocol.md, "Administration"): dismiss, delete the reported
// message (message reports only; members see it deleted) or disable the reported user. A
// resolved report leaves the list; a failure says why in words under the list.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatStamp } from '../format.js';
import { t } from '../i18n.js';

export function mountAdminScreen(container, { api, users, navigate }) {
  const list = h('ul', { className: 'report-list' });
  const status = h('p', { className: 'form-status', role: 'status' });
  let reports = [];

  function actionButton(report, action, label, className) {
    return h('button', {
      type: 'button', className, onClick: () => resolve(report, action),
    }, label);
  }

  function render() {
    if (reports.length === 0) {
      list.replaceChildren(h('li', { className: 'empty' }, t('admin_no_reports')));
      return;
    }
    list.replaceChildren(...reports.map((report) => h('li', { className: 'report', 'data-report': String(report.id) },
      h('p', { className: 'report-title' },
        t(report.kind === 'message' ? 'admin_report_message' : 'admin_report_user', {
          reporter: users.name(report.reporter_id), user: users.name(report.user_id),
        })),
      h('p', { className: 'report-reason' }, report.reason),
      h('p', { className: 'muted' }, formatStamp(report.created_at)),
      h('div', { className: 'report-actions' },
        actionButton(report, 'dismiss', t('admin_dismiss'), 'resolve-dismiss'),
        report.kind === 'message' && actionButton(report, 'delete_message', t('admin_delete_message'), 'resolve-delete danger'),
        actionButton(report, 'disable_user', t('admin_disable_user'), 'resolve-disable danger')))));
  }

  async function load() {
    try {
      ({ reports } = await api.adminReports('open'));
      render();
    } catch (error) {
      status.textContent = errorText(error, 'admin');
    }
  }

  async function resolve(report, action) {
    status.textContent = '';
    try {
      await api.resolveReport(report.id, action);
      reports = reports.filter((r) => r.id !== report.id);
      render();
      status.textContent = t('admin_resolved');
    } catch (error) {
      status.textContent = errorText(error, 'admin');
    }
  }

  const unsubscribe = users.subscribe(render);
  container.replaceChildren(h('section', { className: 'admin', 'aria-labelledby': 'admin-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: '/settings', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate('/settings'); } }, '←'),
      h('h2', { id: 'admin-title' }, t('admin_title'))),
    h('div', { className: 'settings-body' },
      h('h3', {}, t('admin_reports')),
      list,
      status)));
  render();
  load();
  return () => unsubscribe();
}
