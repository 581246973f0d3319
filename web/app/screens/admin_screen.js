// admin_screen: the server admins' page (/admin; the settings screen links to it for admins):
// the open reports, newest first, each with who reported whom or what, when and why, what the
// reporter showed (the message's text; the group's name, topic, visibility, member count and
// owner: admins are not members), and the ways to resolve it (docs/protocol.md,
// "Administration"): dismiss, delete the reported message (message reports), make the group
// private or delete it (group reports; deleting asks first), or disable the reported user (a
// group's owner). A resolved report leaves the list; a failure says why in words under it.
import { confirmStep } from '../components/confirm_step.js';
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

  function title(report) {
    const names = { reporter: users.name(report.reporter_id), user: users.name(report.user_id) };
    if (report.kind === 'group') {
      return t('admin_report_group', { ...names, group: report.snapshot?.name ?? `#${report.group_id}` });
    }
    return t(report.kind === 'message' ? 'admin_report_message' : 'admin_report_user', names);
  }

  // What the reporter showed; nothing once an account deletion erased it.
  function snapshot(report) {
    const s = report.snapshot;
    if (!s) return null;
    if (report.kind === 'message') {
      return h('blockquote', { className: 'report-snapshot' }, s.text);
    }
    return h('dl', { className: 'report-snapshot' },
      h('dt', {}, t('admin_group_name')), h('dd', {}, s.name),
      s.topic && h('dt', {}, t('topic')), s.topic && h('dd', {}, s.topic),
      h('dt', {}, t('admin_group_visibility')), h('dd', {}, t(s.is_public ? 'admin_group_public' : 'admin_group_private')),
      h('dt', {}, t('admin_group_members')), h('dd', {}, String(s.member_count)),
      h('dt', {}, t('admin_group_owner')), h('dd', {}, users.name(s.owner_id)));
  }

  function actions(report) {
    const group = report.kind === 'group';
    return h('div', { className: 'report-actions' },
      actionButton(report, 'dismiss', t('admin_dismiss'), 'resolve-dismiss'),
      report.kind === 'message' && actionButton(report, 'delete_message', t('admin_delete_message'), 'resolve-delete danger'),
      group && actionButton(report, 'make_private', t('admin_make_private'), 'resolve-private'),
      group && confirmStep({
        label: t('admin_delete_group'), className: 'resolve-delete-group danger',
        question: t('admin_delete_group_confirm', { group: report.snapshot?.name ?? `#${report.group_id}` }),
        onConfirm: () => resolve(report, 'delete_group'),
      }),
      actionButton(report, 'disable_user', t(group ? 'admin_disable_owner' : 'admin_disable_user'), 'resolve-disable danger'));
  }

  function render() {
    if (reports.length === 0) {
      list.replaceChildren(h('li', { className: 'empty' }, t('admin_no_reports')));
      return;
    }
    list.replaceChildren(...reports.map((report) => h('li', { className: 'report', 'data-report': String(report.id) },
      h('p', { className: 'report-title' }, title(report)),
      h('p', { className: 'report-reason' }, report.reason),
      snapshot(report),
      h('p', { className: 'muted' }, formatStamp(report.created_at)),
      actions(report))));
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
